package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.control.ControlApp;
import io.probr.control.ControlConfig;
import io.probr.control.config.Tokens;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.ingest.auth.KeyFile;
import io.probr.ingest.auth.KeyImport;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys managed through the control API take effect on every running edge within a second: created, revoked,
 * rotated with a grace; and a key file imported into the topic is then governed by the topic.
 */
@ExtendWith(SharedKafkaBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaSettings kafka;
    private Path keyFile;
    private String legacyKey;
    private IngestApp edgeA;
    private IngestApp edgeB;
    private ControlApp api;
    private String admin;

    @BeforeAll
    void start(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        KeyCodec codec = KeyCodec.forIngestKeys();
        legacyKey = codec.newKey();
        keyFile = dir.resolve("keys.json");
        new KeyFile(null, null).withKey(new KeyFile.Entry(codec.idOf(legacyKey).orElseThrow(),
                KeyCodec.sha256Hex(legacyKey), "legacy-" + UUID.randomUUID().toString().substring(0, 8), false,
                null, null, null, null, "from the file")).write(keyFile);
        Map<String, String> edgeEnv = Map.of("PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(), "PROBR_KEYS_FILE", keyFile.toString(),
                "PROBR_EDGE_WARMUP_SECONDS", "0");
        edgeA = new IngestApp(IngestConfig.fromEnv(edgeEnv));
        edgeB = new IngestApp(IngestConfig.fromEnv(edgeEnv));
        api = new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0")));
        try (ConfigView view = new ConfigView(kafka, "control-plane-it").start();
             ConfigWriter writer = new ConfigWriter(kafka, view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            admin = (String) new Tokens(view, writer, Clock.systemUTC()).create("it", false).get("token");
        }
        ApiTokens.awaitKnown(api.port(), admin);
        for (IngestApp edge : List.of(edgeA, edgeB)) {
            awaitReady(edge);
        }
    }

    @AfterAll
    void stop() {
        api.close();
        edgeA.close();
        edgeB.close();
    }

    @Test
    void aKeyCreatedThroughTheApiIsAcceptedByEveryEdgeWithinASecondAndRefusedWithinASecondOfItsRevocation()
            throws Exception {
        String site = newSite();
        JsonNode created = api("POST", "/v1/keys", "{\"site_id\":\"" + site + "\"}");
        String key = created.get("secret").asText();
        for (IngestApp edge : List.of(edgeA, edgeB)) {
            assertEquals(200, awaitStatus(edge, key, 200, WITHIN), "new key on edge " + edge.port());
        }
        api("DELETE", "/v1/keys/" + created.get("id").asText(), null);
        for (IngestApp edge : List.of(edgeA, edgeB)) {
            assertEquals(403, awaitStatus(edge, key, 403, WITHIN), "revoked key on edge " + edge.port());
        }
    }

    @Test
    void aRotatedKeysOldSecretWorksThroughTheGraceAndIsRefusedWithinASecondOfItsEnd() throws Exception {
        String site = newSite();
        JsonNode created = api("POST", "/v1/keys", "{\"site_id\":\"" + site + "\"}");
        String oldKey = created.get("secret").asText();
        assertEquals(200, awaitStatus(edgeA, oldKey, 200, WITHIN));
        JsonNode rotated = api("POST", "/v1/keys/" + created.get("id").asText() + "/rotate", "{\"grace_seconds\":3}");
        String newKey = rotated.get("secret").asText();
        Instant graceEnd = Instant.parse(rotated.get("previous_secret_expires_at").asText());
        for (IngestApp edge : List.of(edgeA, edgeB)) {
            assertEquals(200, awaitStatus(edge, newKey, 200, WITHIN), "new secret on edge " + edge.port());
            assertEquals(200, post(edge, oldKey), "old secret during the grace");
        }
        assertTrue(Instant.now().isBefore(graceEnd), "the checks above took less than the grace");
        // The old secret is accepted up to the end of the grace and refused within a second after it.
        int status;
        do {
            status = post(edgeB, oldKey);
            Thread.sleep(20);
        } while (status == 200);
        Instant refusedAt = Instant.now();
        assertEquals(403, status);
        assertTrue(!refusedAt.isBefore(graceEnd) && refusedAt.isBefore(graceEnd.plus(WITHIN)),
                "refused at " + refusedAt + ", grace ended at " + graceEnd);
        assertEquals(403, post(edgeA, oldKey));
        assertEquals(200, post(edgeA, newKey));
    }

    @Test
    void aKeyImportedFromTheFileIsThenGovernedByTheTopic() throws Exception {
        assertEquals(200, post(edgeA, legacyKey), "file keys keep working");
        try (ConfigView view = new ConfigView(kafka, "control-plane-it-import").start();
             ConfigWriter writer = new ConfigWriter(kafka, view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            KeyImport.Result first = KeyImport.run(KeyFile.read(keyFile), view, writer, Clock.systemUTC());
            assertEquals(1, first.keysCreated());
            KeyImport.Result again = KeyImport.run(KeyFile.read(keyFile), view, writer, Clock.systemUTC());
            assertEquals(new KeyImport.Result(0, 0, 1), again);
        }
        String id = KeyCodec.forIngestKeys().idOf(legacyKey).orElseThrow();
        assertEquals("active", api("GET", "/v1/keys/" + id, null).get("status").asText());
        api("DELETE", "/v1/keys/" + id, null);
        // the file still lists the key as active: the topic wins
        assertEquals(403, awaitStatus(edgeB, legacyKey, 403, WITHIN));
    }

    private String newSite() throws Exception {
        String site = "cp-" + UUID.randomUUID().toString().substring(0, 8);
        api("POST", "/v1/sites", "{\"id\":\"" + site + "\"}");
        return site;
    }

    /** Posts until the edge answers {@code wanted}, for at most {@code within}; returns the last answer. */
    private int awaitStatus(IngestApp edge, String key, int wanted, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int status;
        status = post(edge, key);
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(10); // poll interval; stays well under the key's rate limit
            status = post(edge, key);
        }
        return status;
    }

    private int post(IngestApp edge, String key) throws Exception {
        String body = new SeedNow().example("per-event-minimal.json");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ingest"))
                .header("Content-Type", "application/json").header("X-Probr-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private JsonNode api(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private void awaitReady(IngestApp edge) throws Exception {
        io.probr.stack.Poll.until("edge ready", Duration.ofSeconds(60), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
}
