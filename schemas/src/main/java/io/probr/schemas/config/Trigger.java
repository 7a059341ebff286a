package io.probr.schemas.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.probr.schemas.alert.Condition;
import java.util.List;

/**
 * An alert trigger: a scope (site, container, optionally one tag), one condition in EchoTag's style (kept as
 * written, parsed by {@link Condition#parse}) and the webhooks to notify.
 */
public record Trigger(String id, String name, String description, String siteId, String containerId, String tag,
                      JsonNode conditions, List<Action> actions, @JsonProperty("is_active") boolean active,
                      String createdAt, String updatedAt, long version) implements ConfigEntity {

    public Trigger {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /** What to do on a change of an incident: for now, call a webhook. */
    public record Action(String type, String webhookId) {
    }

    @Override
    public ConfigKind kind() {
        return ConfigKind.TRIGGER;
    }

    public Condition condition() {
        return Condition.parse(conditions);
    }
}
