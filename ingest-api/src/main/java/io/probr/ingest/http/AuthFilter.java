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
        // found already by RefusedKeys, ahead of the servlet layer, for the path it sees (/ingest)
        ApiKey key = ctx.attribute(KEY_ATTRIBUTE);
        if (key == null) {
            key = check(ctx.header("X-Probr-Key"), ctx.header("Authorization"), ctx.ip());
        }
        long retryAfter = rateLimiter.acquire(key);
        if (retryAfter > 0) {
            throw ApiError.rateLimited(retryAfter);
        }
        ctx.attribute(KEY_ATTRIBUTE, key);
    }

    /** The key the headers present, or the {@link ApiError} that refuses the request. */
    ApiKey check(String probrKey, String authorization, String address) {
        AuthResult result = keys.authenticate(presentedKey(probrKey, authorization));
        if (result instanceof AuthResult.Unauthorized unauthorized) {
            throw failed(address, new ApiError(ErrorCode.UNAUTHORIZED, unauthorized.reason()));
        }
        if (result instanceof AuthResult.Unavailable unavailable) {
            throw new ApiError(ErrorCode.INTERNAL_ERROR, unavailable.reason());
        }
        if (result instanceof AuthResult.Forbidden forbidden) {
            throw failed(address, new ApiError(ErrorCode.FORBIDDEN, forbidden.reason()));
        }
        return ((AuthResult.Authenticated) result).key();
    }

    private ApiError failed(String address, ApiError answer) {
        long wait = failures.retryAfterSeconds(address);
        if (wait > 0) {
            return ApiError.rateLimited(wait, "too many requests with a missing, unknown or revoked key from this address");
        }
        failures.failed(address);
        return answer;
    }

    private static String presentedKey(String key, String authorization) {
        if (key != null) {
            return key;
        }
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length());
        }
        return null;
    }
}
