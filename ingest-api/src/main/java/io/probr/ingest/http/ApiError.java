package io.probr.ingest.http;

/**
 * Thrown anywhere in request handling to answer with one of the contract's errors; mapped to the response
 * in one place ({@link EdgeServer}). The message is for humans and must never contain a key.
 */
public final class ApiError extends RuntimeException {
    private final ErrorCode code;
    private final Long retryAfterSeconds;

    public ApiError(ErrorCode code, String message) {
        this(code, message, null);
    }

    private ApiError(ErrorCode code, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError rateLimited(long retryAfterSeconds) {
        return rateLimited(retryAfterSeconds, "rate limit exceeded");
    }

    public static ApiError rateLimited(long retryAfterSeconds, String why) {
        return new ApiError(ErrorCode.RATE_LIMITED, why + "; retry after " + retryAfterSeconds + " s", retryAfterSeconds);
    }

    public ErrorCode code() {
        return code;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
