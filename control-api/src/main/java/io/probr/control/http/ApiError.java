package io.probr.control.http;

/** An answer other than success, thrown by handlers and services and written by {@link ApiServer}. */
public final class ApiError extends RuntimeException {
    private final ErrorCode code;
    private final String field;
    private final Long retryAfterSeconds;

    public ApiError(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    private ApiError(ErrorCode code, String message, String field, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 429 with the {@code Retry-After} to send. */
    public static ApiError rateLimited(long retryAfterSeconds, String message) {
        return new ApiError(ErrorCode.RATE_LIMITED, message, null, retryAfterSeconds);
    }

    /** A 400 naming the request field at fault. */
    public static ApiError invalid(String field, String message) {
        return new ApiError(ErrorCode.INVALID_REQUEST, field + ": " + message, field, null);
    }

    public static ApiError notFound(String what) {
        return new ApiError(ErrorCode.NOT_FOUND, what + " not found");
    }

    public ErrorCode code() {
        return code;
    }

    /** Seconds for {@code Retry-After}, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
