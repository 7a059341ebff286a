package io.probr.ingest.auth;

import io.probr.schemas.config.KeyCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreTest {
    @TempDir
    Path dir;

    private String createKey(Path file, String... extraArgs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[4 + extraArgs.length];
        args[0] = "create";
        args[1] = "--file";
        args[2] = file.toString();
        args[3] = "--site";
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        assertEquals(0, KeyCli.run(args, new PrintStream(out), new PrintStream(new ByteArrayOutputStream())));
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void keyFileHoldsOnlyTheHashOfACreatedKey() throws Exception {
        Path file = dir.resolve("keys.json");
        String key = createKey(file, "shop");
        assertTrue(KeyCodec.forIngestKeys().idOf(key).isPresent(), key);
        String stored = Files.readString(file);
        assertTrue(!stored.contains(key.substring(KeyCodec.INGEST_KEY_PREFIX.length() + 17)), "secret stored in clear");
        try (KeyStore store = new KeyStore(file, 60_000)) {
            ApiKey apiKey = ((AuthResult.Authenticated) store.authenticate(key)).key();
            assertEquals("shop", apiKey.siteId());
            assertEquals(KeyCodec.forIngestKeys().idOf(key).get(), apiKey.id());
        }
    }

    @Test
    void refusesMissingMalformedAndUnknownKeysAs401() throws Exception {
        Path file = dir.resolve("keys.json");
        String key = createKey(file, "shop");
        try (KeyStore store = new KeyStore(file, 60_000)) {
            assertInstanceOf(AuthResult.Unauthorized.class, store.authenticate(null));
            assertInstanceOf(AuthResult.Unauthorized.class, store.authenticate(""));
            assertInstanceOf(AuthResult.Unauthorized.class, store.authenticate("pk_live_abc123"));
            String wrongSecret = key.substring(0, key.length() - 1) + (key.endsWith("0") ? "1" : "0");
            assertInstanceOf(AuthResult.Unauthorized.class, store.authenticate(wrongSecret));
            assertInstanceOf(AuthResult.Unauthorized.class, store.authenticate(KeyCodec.forIngestKeys().newKey()));
        }
    }

    @Test
    void revokedKeysAndDisabledSitesAre403AndChangesApplyWithoutRestart() throws Exception {
        Path file = dir.resolve("keys.json");
        String key = createKey(file, "shop");
        try (KeyStore store = new KeyStore(file, 60_000)) {
            assertInstanceOf(AuthResult.Authenticated.class, store.authenticate(key));

            KeyCli.run(new String[] {"site", "--file", file.toString(), "--site", "shop", "--enabled", "false"},
                    System.out, new PrintStream(new ByteArrayOutputStream()));
            store.reloadIfChanged();
            assertEquals("site disabled", ((AuthResult.Forbidden) store.authenticate(key)).reason());

            KeyCli.run(new String[] {"revoke", "--file", file.toString(), "--id", KeyCodec.forIngestKeys().idOf(key).get()},
                    System.out, new PrintStream(new ByteArrayOutputStream()));
            store.reloadIfChanged();
            assertEquals("key revoked", ((AuthResult.Forbidden) store.authenticate(key)).reason());
        }
    }

    @Test
    void aBrokenKeyFileKeepsThePreviousKeys() throws Exception {
        Path file = dir.resolve("keys.json");
        String key = createKey(file, "shop");
        try (KeyStore store = new KeyStore(file, 60_000)) {
            assertTrue(store.isCurrent());
            Files.writeString(file, "{ not json");
            store.reloadIfChanged();
            assertInstanceOf(AuthResult.Authenticated.class, store.authenticate(key));
            assertTrue(!store.isCurrent(), "a file that cannot be read makes the edge not ready");
            Files.delete(file);
            createKey(file, "shop");
            store.reloadIfChanged();
            assertTrue(store.isCurrent(), "ready again once it reads");
        }
    }

    @Test
    void theKeyFileIsReadableByTheServicesUser() throws Exception {
        Path file = dir.resolve("keys.json");
        createKey(file, "shop");
        // the image's edge runs as another user (uid 10001) and reads ./deploy/keys.json mounted read-only
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
    }

    @Test
    void containerRestrictionIsRecorded() throws Exception {
        Path file = dir.resolve("keys.json");
        String key = createKey(file, "shop", "--container", "GTM-A");
        try (KeyStore store = new KeyStore(file, 60_000)) {
            ApiKey apiKey = ((AuthResult.Authenticated) store.authenticate(key)).key();
            assertTrue(apiKey.allowsContainer("GTM-A"));
            assertTrue(!apiKey.allowsContainer("GTM-B"));
        }
    }
}
