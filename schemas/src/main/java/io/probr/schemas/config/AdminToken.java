package io.probr.schemas.config;

/** A token for the {@code /v1} API, stored as the SHA-256 of the secret. A read-only token may not write. */
public record AdminToken(String id, String sha256, String label, boolean readOnly, String createdAt,
                         String rotatedAt, long version) implements ConfigEntity {

    @Override
    public ConfigKind kind() {
        return ConfigKind.ADMIN_TOKEN;
    }

    public boolean accepts(String presented) {
        return KeyCodec.matchesHex(presented, sha256);
    }
}
