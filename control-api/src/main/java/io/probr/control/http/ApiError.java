package io.probr.control.http;

/** An answer other than success, thrown by handlers and services and written by {@link ApiServer}. */
public final class ApiError extends RuntimeException {
    private final ErrorCode code;
    private final String field;

    public ApiError(ErrorCode code, String message) {
        this(code, message, null);
    }

    private ApiError(ErrorCode code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    /** A 400 naming the request field at fault. */
    public static ApiError invalid(String field, String message) {
        return new ApiError(ErrorCode.INVALID_REQUEST, field + ": " + message, field);
    }

    public static ApiError notFound(String what) {
        return new ApiError(ErrorCode.NOT_FOUND, what + " not found");
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
