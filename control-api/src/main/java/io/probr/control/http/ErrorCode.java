package io.probr.control.http;

/** The {@code error} codes of {@code /v1} answers, in the edge's {@code {"error", "message"}} shape. */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    CONFLICT(409, "conflict"),
    RATE_LIMITED(429, "rate_limited"),
    INTERNAL_ERROR(500, "internal_error"),
    UNAVAILABLE(503, "unavailable");

    private final int status;
    private final String wireName;

    ErrorCode(int status, String wireName) {
        this.status = status;
        this.wireName = wireName;
    }

    public int status() {
        return status;
    }

    public String wireName() {
        return wireName;
    }
}
