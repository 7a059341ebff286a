package io.probr.sink.mapping;

import io.probr.schemas.topic.DeadLetterReason;

/** A record that can never become rows (not a valid payload, a missing header): it belongs in the DLQ. */
public final class UnmappableRecordException extends Exception {
    private final DeadLetterReason reason;

    public UnmappableRecordException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
