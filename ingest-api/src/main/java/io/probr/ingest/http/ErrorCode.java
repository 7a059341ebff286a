package io.probr.ingest.http;

/** The error rows of the contract's response table: status and the exact {@code error} value. */
public enum ErrorCode {
    INVALID_PAYLOAD(400, "invalid_payload"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    RATE_LIMITED(429, "rate_limited"),
    INTERNAL_ERROR(500, "internal_error");

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
