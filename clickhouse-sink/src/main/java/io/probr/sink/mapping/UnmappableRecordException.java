package io.probr.sink.mapping;

/** A record that can never become rows (not a valid payload, a missing header): it belongs in the DLQ. */
public final class UnmappableRecordException extends Exception {
    public UnmappableRecordException(String reason) {
        super(reason);
    }
}
