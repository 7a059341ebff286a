package io.probr.control.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.probr.control.config.Tokens;
import io.probr.schemas.config.AdminToken;
import io.probr.schemas.runtime.FailedAuthLimiter;

/**
 * Runs before every {@code /v1} route: {@code Authorization: Bearer <admin token>}, then, for anything but a
 * read, a token that may write. Leaves the token on the context.
 */
final class TokenAuth implements Handler {
    static final String TOKEN_ATTRIBUTE = "probr.adminToken";
    private static final String BEARER = "bearer ";

    private final Tokens tokens;
    private final FailedAuthLimiter failures;

    TokenAuth(Tokens tokens, FailedAuthLimiter failures) {
        this.tokens = tokens;
        this.failures = failures;
    }

    @Override
    public void handle(Context ctx) {
        if (!tokens.available()) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the configuration is not loaded; retry");
        }
        String address = ctx.ip();
        long wait = failures.retryAfterSeconds(address);
        if (wait > 0) {
            throw ApiError.rateLimited(wait, "too many failed token checks from this address");
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            failures.failed(address);
            throw new ApiError(ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer <admin token>");
        }
        AdminToken token = tokens.authenticate(authorization.substring(BEARER.length()).strip()).orElse(null);
        if (token == null) {
            failures.failed(address);
            throw new ApiError(ErrorCode.UNAUTHORIZED, "unknown or revoked token");
        }
        if (token.readOnly() && !allowedReadOnly(ctx)) {
            throw new ApiError(ErrorCode.FORBIDDEN, "this token is read-only");
        }
        ctx.attribute(TOKEN_ATTRIBUTE, token);
    }

    /** Reads (a report is asked for with POST but only reads), and rotating the caller's own token. */
    private static boolean allowedReadOnly(Context ctx) {
        return ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD
                || (ctx.method() == HandlerType.POST
                    && (ctx.path().equals("/v1/reports") || ctx.path().equals("/v1/auth/rotate-key")));
    }
}
