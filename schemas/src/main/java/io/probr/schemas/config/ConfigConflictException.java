package io.probr.schemas.config;

/** A write named a version that is not the stored one (or created what exists): answered 409. */
public final class ConfigConflictException extends Exception {
    public ConfigConflictException(String message) {
        super(message);
    }
}
