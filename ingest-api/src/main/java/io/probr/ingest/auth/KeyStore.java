package io.probr.ingest.auth;

import io.probr.schemas.config.KeyCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion keys, read from the key file and re-read whenever it changes, without a restart. A file
 * that fails to parse is logged and ignored: the keys loaded before stay in force.
 */
public final class KeyStore implements Authenticator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyStore.class);

    private final Path path;
    private final ScheduledExecutorService reloader;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), new KeyFile(null, null));
    private volatile byte[] loadedDigest;
    /** Why the last reload failed, or null: an edge whose key file it cannot read must not say it is ready. */
    private volatile String problem;

    private record Snapshot(Map<String, ApiKey> byId, KeyFile file) {
    }

    public KeyStore(Path path, long reloadIntervalMs) throws IOException {
        this.path = path;
        load();
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "key-file-reloader");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, reloadIntervalMs, reloadIntervalMs, TimeUnit.MILLISECONDS);
    }

    private KeyStore(KeyFile file) {
        this.path = null;
        this.reloader = null;
        this.snapshot = snapshotOf(file);
    }

    /** Keys that live in memory only, never written or reloaded: the edge's warm-up key. */
    public static KeyStore inMemory(KeyFile file) {
        return new KeyStore(file);
    }

    @Override
    public AuthResult authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return new AuthResult.Unauthorized("missing key");
        }
        var id = KeyCodec.forIngestKeys().idOf(presentedKey.strip());
        if (id.isEmpty()) {
            return new AuthResult.Unauthorized("malformed key");
        }
        Snapshot current = snapshot;
        ApiKey key = current.byId().get(id.get());
        // Unknown id and wrong secret answer alike, so neither tells which key ids exist.
        if (key == null || !KeyCodec.matches(presentedKey.strip(), key.sha256())) {
            return new AuthResult.Unauthorized("unknown key");
        }
        if (key.revoked()) {
            return new AuthResult.Forbidden("key revoked");
        }
        if (!current.file().siteEnabled(key.siteId())) {
            return new AuthResult.Forbidden("site disabled");
        }
        return new AuthResult.Authenticated(key);
    }

    /** The key file read on its last check: false while it cannot be read or parsed (changes would be missed). */
    public boolean isCurrent() {
        return problem == null;
    }

    public int size() {
        return snapshot.byId().size();
    }

    /** Re-reads the file now if it changed; the scheduled reload calls this too. */
    public void reloadIfChanged() {
        if (path == null) {
            return;
        }
        try {
            if (!MessageDigest.isEqual(digest(), loadedDigest)) {
                load();
            }
            problem = null;
        } catch (IOException | RuntimeException e) {
            if (problem == null) {
                log.error("key file {} not reloaded, keeping the {} keys loaded before (not ready until it reads): {}",
                        path, size(), e.getMessage());
            }
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private void load() throws IOException {
        byte[] digest = digest();
        snapshot = snapshotOf(KeyFile.read(path));
        loadedDigest = digest;
        log.info("loaded {} ingestion keys from {}", size(), path);
    }

    private static Snapshot snapshotOf(KeyFile file) {
        Map<String, ApiKey> byId = new HashMap<>();
        for (KeyFile.Entry entry : file.keys()) {
            ApiKey key = entry.toApiKey();
            byId.put(key.id(), key);
        }
        return new Snapshot(Map.copyOf(byId), file);
    }

    /** Content, not modification time: two writes within the file system's clock tick must both be seen. */
    private byte[] digest() throws IOException {
        return Files.exists(path) ? KeyCodec.sha256(Files.readString(path)) : new byte[0];
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
