package io.probr.ingest.auth;

import java.util.Set;

/**
 * An ingestion key as the edge knows it: its public id, the SHA-256 of the secret key string (the secret
 * itself is never stored), the site it belongs to and what it may do. An empty {@code containers} set
 * means any container.
 */
public record ApiKey(
        String id,
        byte[] sha256,
        String siteId,
        boolean revoked,
        Set<String> containers,
        Double ratePerSecond,
        Integer burst) {

    public ApiKey {
        containers = containers == null ? Set.of() : Set.copyOf(containers);
    }

    public boolean allowsContainer(String containerId) {
        return containers.isEmpty() || containers.contains(containerId);
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", site=" + siteId + ", revoked=" + revoked + ", containers=" + containers + "]";
    }
}
