package io.probr.ingest.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.probr.schemas.payload.ProbrJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key file, JSON:
 * <pre>
 * {
 *   "sites": {"shop-fr": {"enabled": true}},
 *   "keys": [{"id": "0f3a…", "sha256": "hex…", "site_id": "shop-fr", "revoked": false,
 *             "containers": ["GTM-ABC123"], "rate_per_second": 200, "burst": 400,
 *             "created_at": "2026-11-23T08:00:00Z", "label": "prod container"}]
 * }
 * </pre>
 * A site missing from {@code sites} is enabled; {@code containers} empty or absent allows any container;
 * {@code rate_per_second}/{@code burst} absent take the edge's defaults.
 */
public record KeyFile(Map<String, Site> sites, List<Entry> keys) {
    private static final ObjectMapper MAPPER = ProbrJson.newMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // read into classes, not through a tree
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public KeyFile {
        sites = sites == null ? Map.of() : Map.copyOf(sites);
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    public record Site(boolean enabled) {
    }

    public record Entry(String id, String sha256, String siteId, boolean revoked, List<String> containers,
                        Double ratePerSecond, Integer burst, String createdAt, String label) {

        ApiKey toApiKey() {
            if (id == null || sha256 == null || siteId == null) {
                throw new IllegalArgumentException("key entry needs id, sha256 and site_id: " + id);
            }
            return new ApiKey(id, HexFormat.of().parseHex(sha256), siteId, revoked,
                    containers == null ? null : java.util.Set.copyOf(containers), ratePerSecond, burst);
        }
    }

    public static KeyFile read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return new KeyFile(Map.of(), List.of());
        }
        return MAPPER.readValue(path.toFile(), KeyFile.class);
    }

    /**
     * Written to a temporary file then moved, so a reloading edge never reads half a file. Readable by all (it
     * holds hashes, no secret), so an edge running as another user (the image's uid 10001) can read it.
     */
    public void write(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path tmp = Files.createTempFile(absolute.getParent(), ".keys", ".tmp");
        MAPPER.writeValue(tmp.toFile(), this);
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public KeyFile withKey(Entry entry) {
        List<Entry> updated = new ArrayList<>(keys);
        updated.add(entry);
        return new KeyFile(sites, updated);
    }

    public KeyFile withSite(String siteId, boolean enabled) {
        Map<String, Site> updated = new LinkedHashMap<>(sites);
        updated.put(siteId, new Site(enabled));
        return new KeyFile(updated, keys);
    }

    public KeyFile revoked(String keyId) {
        List<Entry> updated = keys.stream()
                .map(e -> e.id().equals(keyId)
                        ? new Entry(e.id(), e.sha256(), e.siteId(), true, e.containers(), e.ratePerSecond(),
                                e.burst(), e.createdAt(), e.label())
                        : e)
                .toList();
        return new KeyFile(sites, updated);
    }

    public boolean siteEnabled(String siteId) {
        Site site = sites.get(siteId);
        return site == null || site.enabled();
    }
}
