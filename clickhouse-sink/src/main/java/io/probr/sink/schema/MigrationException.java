package io.probr.sink.schema;

/** A migration could not be applied; the sink must not start on a schema it does not know. */
public final class MigrationException extends Exception {
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }

    public MigrationException(String message) {
        super(message);
    }
}
