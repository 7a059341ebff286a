package io.probr.ingest.http;

/**
 * The error rows of the contract's response table: status and the exact {@code error} value; 408 is Probr's
 * addition, for a body that arrives too slowly (docs/contract.md).
 */
public enum ErrorCode {
    INVALID_PAYLOAD(400, "invalid_payload"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    REQUEST_TIMEOUT(408, "request_timeout"),
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
