package io.probr.ingest;

import io.probr.schemas.config.KeyCodec;
import io.probr.ingest.auth.KeyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** Adds keys to a key file the way {@code probr key create} does, returning the secret key string. */
final class TestKeys {
    private final Path file;
    private final KeyCodec codec = KeyCodec.forIngestKeys();

    TestKeys(Path file) {
        this.file = file;
    }

    String add(String site, List<String> containers, Double rate, Integer burst) throws IOException {
        String key = codec.newKey();
        KeyFile.read(file).withKey(new KeyFile.Entry(KeyCodec.forIngestKeys().idOf(key).orElseThrow(),
                HexFormat.of().formatHex(KeyCodec.sha256(key)), site, false, containers, rate, burst, null, null))
                .write(file);
        return key;
    }

    String add(String site) throws IOException {
        return add(site, null, null, null);
    }

    void revoke(String key) throws IOException {
        KeyFile.read(file).revoked(KeyCodec.forIngestKeys().idOf(key).orElseThrow()).write(file);
    }

    void disableSite(String site) throws IOException {
        KeyFile.read(file).withSite(site, false).write(file);
    }
}
