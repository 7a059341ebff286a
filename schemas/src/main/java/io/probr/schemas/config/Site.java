package io.probr.schemas.config;

/** A site (EchoTag's project): a user-chosen id such as {@code shop-fr}; its keys post only while it is enabled. */
public record Site(String id, String name, boolean enabled, String createdAt, String updatedAt, long version)
        implements ConfigEntity {

    @Override
    public ConfigKind kind() {
        return ConfigKind.SITE;
    }
}
