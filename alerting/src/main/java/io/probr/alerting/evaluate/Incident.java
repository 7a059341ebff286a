package io.probr.alerting.evaluate;

/** An open (firing) incident of one (trigger, container, tag), as the alerting store keeps it. */
public record Incident(String incidentId, long firingSinceMs, double value) {
}
