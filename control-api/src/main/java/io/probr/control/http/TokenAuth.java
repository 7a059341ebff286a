package io.probr.control.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.probr.control.config.Tokens;
import io.probr.schemas.config.AdminToken;

/**
 * Runs before every {@code /v1} route: {@code Authorization: Bearer <admin token>}, then, for anything but a
 * read, a token that may write. Leaves the token on the context.
 */
final class TokenAuth implements Handler {
    static final String TOKEN_ATTRIBUTE = "probr.adminToken";
    private static final String BEARER = "bearer ";

    private final Tokens tokens;

    TokenAuth(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void handle(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiError(ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer <admin token>");
        }
        AdminToken token = tokens.authenticate(authorization.substring(BEARER.length()).strip())
                .orElseThrow(() -> new ApiError(ErrorCode.UNAUTHORIZED, "unknown or revoked token"));
        if (token.readOnly() && !isRead(ctx)) {
            throw new ApiError(ErrorCode.FORBIDDEN, "this token is read-only");
        }
        ctx.attribute(TOKEN_ATTRIBUTE, token);
    }

    /** Reads change nothing; a report is asked for with POST but only reads. */
    private static boolean isRead(Context ctx) {
        return ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD
                || (ctx.method() == HandlerType.POST && ctx.path().equals("/v1/reports"));
    }
}
