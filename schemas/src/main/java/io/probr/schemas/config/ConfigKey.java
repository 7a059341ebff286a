package io.probr.schemas.config;

import java.util.Optional;

/** The Kafka key of an entity in {@code probr.config.v1}: {@code site/shop-fr}, {@code key/0f3a…}. */
public record ConfigKey(ConfigKind kind, String id) {

    public static ConfigKey of(ConfigKind kind, String id) {
        return new ConfigKey(kind, id);
    }

    /** The key of a record, or empty for a key this version does not know (written by a newer one). */
    public static Optional<ConfigKey> parse(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return Optional.empty();
        }
        return ConfigKind.ofWireName(key.substring(0, slash)).map(kind -> new ConfigKey(kind, key.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return kind.wireName() + "/" + id;
    }
}
