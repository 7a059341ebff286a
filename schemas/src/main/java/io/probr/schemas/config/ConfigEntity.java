package io.probr.schemas.config;

/**
 * An entity stored in {@code probr.config.v1}. {@code version} starts at 1 and grows by one per write; a write
 * names the version it read, and the one writer at a time turns a stale one into a conflict ({@link ConfigWriter}).
 */
public sealed interface ConfigEntity permits Site, IngestKey, AdminToken, Trigger, Webhook {

    String id();

    long version();

    ConfigKind kind();

    default ConfigKey key() {
        return ConfigKey.of(kind(), id());
    }
}
