package io.probr.schemas.payload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Outcome of one tag execution, as the contract spells it on the wire. */
public enum TagStatus {
    SUCCESS, FAILURE, TIMEOUT, EXCEPTION;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TagStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The status spelled exactly as on the wire (lower case), or {@code null}. */
    static TagStatus exactly(String wire) {
        return switch (wire) {
            case "success" -> SUCCESS;
            case "failure" -> FAILURE;
            case "timeout" -> TIMEOUT;
            case "exception" -> EXCEPTION;
            default -> null;
        };
    }
}
