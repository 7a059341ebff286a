package io.probr.alerting.evaluate;

/**
 * The incident of one (trigger, container, tag), as the alerting store keeps it: open while firing; kept when
 * resolved, so the next one gets the next {@code sequence} (and so a new id, never a finished delivery's).
 * {@code triggerVersion}: an incident of an older version of its trigger is dropped, not judged by the new one.
 */
public record Incident(String incidentId, long sequence, boolean open, long triggerVersion, long firingSinceMs,
                       double value) {
}
