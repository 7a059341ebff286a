package io.probr.control.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.probr.control.http.ApiError;
import io.probr.control.http.JsonBody;
import io.probr.schemas.alert.Condition;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.Site;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.config.Webhook;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Alert triggers: a scope, one condition, and the webhooks to call; checked whole on every write. */
public final class Triggers {
    public static final Set<String> CREATE_FIELDS = Set.of("name", "description", "site_id", "container_id", "tag",
            "conditions", "actions", "is_active");
    public static final Set<String> PATCH_FIELDS = Set.of("name", "description", "site_id", "container_id", "tag",
            "conditions", "actions", "is_active", "version");

    private final ConfigView view;
    private final ConfigWriter writer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Triggers(ConfigView view, ConfigWriter writer, Clock clock) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
    }

    public List<Trigger> list() {
        return view.all(ConfigKind.TRIGGER, Trigger.class);
    }

    public Trigger get(String id) {
        return view.get(ConfigKind.TRIGGER, id, Trigger.class).orElseThrow(() -> ApiError.notFound("trigger " + id));
    }

    public Trigger create(JsonBody body) throws ConfigConflictException, InterruptedException {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        String now = clock.instant().toString();
        Trigger trigger = checked(new Trigger("tr_" + HexFormat.of().formatHex(bytes),
                body.requiredString("name", 200, Validation.LABEL, Validation.LABEL_HINT),
                body.string("description", 2000, Validation.LABEL, Validation.LABEL_HINT).orElse(null),
                body.string("site_id", 64, Validation.SITE_ID, Validation.SITE_ID_HINT).orElse(null),
                body.string("container_id", 64, Validation.CONTAINER_ID, Validation.CONTAINER_HINT).orElse(null),
                body.string("tag", 256, Validation.LABEL, Validation.LABEL_HINT).orElse(null),
                required(body, "conditions"), actions(body.raw("actions")), body.bool("is_active").orElse(true),
                now, now, 1));
        return writer.put(trigger, OptionalLong.empty());
    }

    /** PATCH: the fields given replace the stored ones; the result is checked whole. */
    public Trigger update(String id, JsonBody body) throws ConfigConflictException, InterruptedException {
        Trigger t = get(id);
        long expected = body.integer("version", 1, Long.MAX_VALUE).orElse(t.version());
        Trigger updated = checked(new Trigger(id,
                body.string("name", 200, Validation.LABEL, Validation.LABEL_HINT).orElse(t.name()),
                body.has("description") ? body.string("description", 2000, Validation.LABEL, Validation.LABEL_HINT)
                        .orElse(null) : t.description(),
                body.has("site_id") ? body.string("site_id", 64, Validation.SITE_ID, Validation.SITE_ID_HINT)
                        .orElse(null) : t.siteId(),
                body.has("container_id") ? body.string("container_id", 64, Validation.CONTAINER_ID,
                        Validation.CONTAINER_HINT).orElse(null) : t.containerId(),
                body.has("tag") ? body.string("tag", 256, Validation.LABEL, Validation.LABEL_HINT).orElse(null) : t.tag(),
                body.has("conditions") ? body.raw("conditions") : t.conditions(),
                body.has("actions") ? actions(body.raw("actions")) : t.actions(),
                body.bool("is_active").orElse(t.active()), t.createdAt(), clock.instant().toString(), expected + 1));
        return writer.put(updated, OptionalLong.of(expected));
    }

    public void delete(String id) throws ConfigConflictException, InterruptedException {
        Trigger t = get(id);
        writer.delete(t.key(), t.version());
    }

    private Trigger checked(Trigger trigger) {
        if (trigger.siteId() == null && trigger.containerId() == null) {
            throw ApiError.invalid("site_id", "a trigger needs a scope: site_id, container_id or both");
        }
        if (trigger.siteId() != null && view.get(ConfigKind.SITE, trigger.siteId(), Site.class).isEmpty()) {
            throw ApiError.invalid("site_id", "no site " + trigger.siteId());
        }
        try {
            Condition condition = Condition.parse(trigger.conditions());
            if (condition.metric().perContainer() && trigger.tag() != null) {
                throw ApiError.invalid("tag", condition.metric().wireName() + " watches a container, not a tag");
            }
        } catch (Condition.InvalidConditionException e) {
            throw ApiError.invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        for (Trigger.Action action : trigger.actions()) {
            if (view.get(ConfigKind.WEBHOOK, action.webhookId(), Webhook.class).isEmpty()) {
                throw ApiError.invalid("actions", "no webhook " + action.webhookId());
            }
        }
        return trigger;
    }

    private static JsonNode required(JsonBody body, String field) {
        if (!body.has(field)) {
            throw ApiError.invalid(field, "is required");
        }
        return body.raw(field);
    }

    private static List<Trigger.Action> actions(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 10) {
            throw ApiError.invalid("actions", "must be a list of at most 10 {\"type\": \"webhook\", \"webhook_id\": ...}");
        }
        List<Trigger.Action> actions = new ArrayList<>();
        for (JsonNode action : node) {
            if (!action.isObject() || !"webhook".equals(action.path("type").asText())
                    || !action.path("webhook_id").isTextual() || action.size() != 2) {
                throw ApiError.invalid("actions", "each action is {\"type\": \"webhook\", \"webhook_id\": \"wh_...\"}");
            }
            actions.add(new Trigger.Action("webhook", action.get("webhook_id").textValue()));
        }
        return actions;
    }
}
