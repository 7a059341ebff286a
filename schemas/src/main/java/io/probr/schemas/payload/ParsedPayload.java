package io.probr.schemas.payload;

import java.util.List;

/** What {@link PayloadValidator} made of a body: one of the two payload shapes, or why it is invalid. */
public sealed interface ParsedPayload {

    record PerEvent(PerEventPayload payload) implements ParsedPayload {
    }

    record Batched(BatchedPayload payload) implements ParsedPayload {
    }

    /** The body is not a valid payload; {@code errors} says why, for logs and the error body. */
    record Invalid(List<String> errors) implements ParsedPayload {
        public Invalid {
            errors = List.copyOf(errors);
        }

        static Invalid of(String error) {
            return new Invalid(List.of(error));
        }
    }
}
