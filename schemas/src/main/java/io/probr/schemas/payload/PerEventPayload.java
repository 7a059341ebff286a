package io.probr.schemas.payload;

import java.util.List;

/**
 * A per-event payload: what happened to each tag for one event. {@code userData} and {@code ecommerce}
 * are {@code null} when the tag did not send them.
 */
public record PerEventPayload(
        String containerId,
        String eventName,
        long timestampMs,
        List<Tag> tags,
        UserData userData,
        Ecommerce ecommerce) {

    public PerEventPayload {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** One tag execution; {@code name} and {@code executionTime} are {@code null} when absent. */
    public record Tag(String id, String name, TagStatus status, Long executionTime) {

        /**
         * What a tag is reported as, in windows and in ClickHouse alike: its name, or its id when it has no
         * name (tag metadata not configured).
         */
        public String key() {
            return name == null || name.isBlank() ? id : name;
        }
    }

    /** Presence of the enhanced-conversions fields; an absent flag reads as false. */
    public record UserData(
            boolean hasEmail, boolean hasPhone, boolean hasFirstName,
            boolean hasLastName, boolean hasCity, boolean hasCountry) {
    }

    /** Presence of the e-commerce fields; an absent flag reads as false. */
    public record Ecommerce(boolean hasValue, boolean hasCurrency, boolean hasTransactionId, boolean hasItems) {
    }
}
