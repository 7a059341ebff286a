package io.probr.ingest.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.probr.ingest.auth.ApiKey;
import io.probr.ingest.auth.AuthResult;
import io.probr.ingest.auth.Authenticator;
import io.probr.ingest.auth.RateLimiter;
import io.probr.schemas.runtime.FailedAuthLimiter;

/**
 * Runs before {@code POST /ingest}: the key from {@code X-Probr-Key} (or {@code Authorization: Bearer}), then the
 * key's rate. Throws {@link ApiError} to refuse; on success leaves the key on the context. An address that keeps
 * showing bad keys gets 429 instead of 401/403 until it has waited; a good key is served whatever its address
 * did, so a flood from a neighbour behind the same NAT never locks a tag out.
 */
final class AuthFilter implements Handler {
    static final String KEY_ATTRIBUTE = "probr.apiKey";
    private static final String BEARER = "bearer ";

    private final Authenticator keys;
    private final RateLimiter rateLimiter;
    private final FailedAuthLimiter failures;

    AuthFilter(Authenticator keys, RateLimiter rateLimiter, FailedAuthLimiter failures) {
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.failures = failures;
    }

    @Override
    public void handle(Context ctx) {
        AuthResult result = keys.authenticate(presentedKey(ctx));
        if (result instanceof AuthResult.Unauthorized unauthorized) {
            throw failed(ctx.ip(), new ApiError(ErrorCode.UNAUTHORIZED, unauthorized.reason()));
        }
        if (result instanceof AuthResult.Unavailable unavailable) {
            throw new ApiError(ErrorCode.INTERNAL_ERROR, unavailable.reason());
        }
        if (result instanceof AuthResult.Forbidden forbidden) {
            throw failed(ctx.ip(), new ApiError(ErrorCode.FORBIDDEN, forbidden.reason()));
        }
        ApiKey key = ((AuthResult.Authenticated) result).key();
        long retryAfter = rateLimiter.acquire(key);
        if (retryAfter > 0) {
            throw ApiError.rateLimited(retryAfter);
        }
        ctx.attribute(KEY_ATTRIBUTE, key);
    }

    private ApiError failed(String address, ApiError answer) {
        long wait = failures.retryAfterSeconds(address);
        if (wait > 0) {
            return ApiError.rateLimited(wait, "too many requests with a missing, unknown or revoked key from this address");
        }
        failures.failed(address);
        return answer;
    }

    private static String presentedKey(Context ctx) {
        String key = ctx.header("X-Probr-Key");
        if (key != null) {
            return key;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length());
        }
        return null;
    }
}
