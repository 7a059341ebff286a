package io.probr.alerting;

import java.util.List;

/**
 * A change of an incident, as written to {@code probr.alerts.v1} (keyed by incident id) and delivered to
 * webhooks: {@code alert.firing} when a (trigger, container, tag) starts breaching, {@code alert.resolved} when it
 * stops. {@code transitionId} is the same however often the change is computed again: the deliveries' identity.
 */
public record AlertTransition(String transitionId, String incidentId, String event, String status, String triggerId,
                              String triggerName, String siteId, String containerId, String tag, String metric,
                              double value, double threshold, long windowStartMs, long windowEndMs, long atMs,
                              List<String> webhookIds) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public AlertTransition {
        webhookIds = webhookIds == null ? List.of() : List.copyOf(webhookIds);
    }
}
