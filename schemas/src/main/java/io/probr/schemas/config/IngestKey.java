package io.probr.schemas.config;

import java.time.Instant;
import java.util.List;

/**
 * An ingest key as every edge knows it: the site it posts for, the containers it may post for (empty: any), its
 * rate, and the SHA-256 of each secret it accepts. A rotation adds a secret and gives the old one an
 * {@code expires_at}; a revoked key ({@code revoked_at} set) accepts nothing.
 */
public record IngestKey(String id, String siteId, String label, List<String> containers, Double ratePerSecond,
                        Integer burst, List<Secret> secrets, String createdAt, String revokedAt, long version)
        implements ConfigEntity {

    public IngestKey {
        containers = containers == null ? List.of() : List.copyOf(containers);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    /** One accepted secret; {@code expiresAt} (ISO instant) is null for the current one. */
    public record Secret(String sha256, String expiresAt) {

        public boolean expiredAt(Instant now) {
            return expiresAt != null && !now.isBefore(Instant.parse(expiresAt));
        }
    }

    @Override
    public ConfigKind kind() {
        return ConfigKind.INGEST_KEY;
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** The secret {@code presented} matches, whether expired or not; empty when it matches none. */
    public java.util.Optional<Secret> secretMatching(String presented) {
        return secrets.stream().filter(s -> KeyCodec.matchesHex(presented, s.sha256())).findFirst();
    }
}
