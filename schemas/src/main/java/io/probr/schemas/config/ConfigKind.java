package io.probr.schemas.config;

import java.util.Optional;

/** The kinds of entity in {@code probr.config.v1}; a record's key is {@code <name>/<id>}. */
public enum ConfigKind {
    SITE("site", Site.class),
    INGEST_KEY("key", IngestKey.class),
    ADMIN_TOKEN("token", AdminToken.class),
    TRIGGER("trigger", Trigger.class),
    WEBHOOK("webhook", Webhook.class);

    private final String wireName;
    private final Class<? extends ConfigEntity> type;

    ConfigKind(String wireName, Class<? extends ConfigEntity> type) {
        this.wireName = wireName;
        this.type = type;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends ConfigEntity> type() {
        return type;
    }

    public static Optional<ConfigKind> ofWireName(String name) {
        for (ConfigKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
