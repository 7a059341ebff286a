package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.AggregatorApp;
import io.probr.aggregator.AggregatorConfig;
import io.probr.alerting.AlertingApp;
import io.probr.alerting.AlertingConfig;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.ingest.auth.KeyFile;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.config.Webhook;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import io.probr.stack.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events with a failing tag posted to the edge reach a webhook as one alert: edge → aggregator (its windows close on
 * the clock) → alerting → a real receiver, within window end + grace + 10 s. Prints the measured delay.
 */
@ExtendWith(SharedKafkaBroker.class)
class AlertingEndToEndIT {
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final long WINDOW_MS = 10_000;
    private static final long GRACE_MS = 2_000;

    @Test
    void failingEventsAtTheEdgeBecomeOneFiringDeliveryWithinWindowEndPlusGracePlusTenSeconds(LocalKafkaBroker broker,
            @TempDir Path dir) throws Exception {
        String container = "GTM-E2E" + UUID.randomUUID().toString().substring(0, 5).toUpperCase();
        KeyCodec codec = KeyCodec.forIngestKeys();
        String key = codec.newKey();
        new KeyFile(null, null).withKey(new KeyFile.Entry(codec.idOf(key).orElseThrow(), KeyCodec.sha256Hex(key),
                "e2e", false, null, null, null, null, null)).write(dir.resolve("keys.json"));
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        try (WebhookReceiver receiver = new WebhookReceiver();
             IngestApp edge = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                     "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
             AggregatorApp aggregator = new AggregatorApp(AggregatorConfig.fromEnv(Map.of(
                     "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("aggregator").toString(),
                     "PROBR_AGGREGATOR_APPLICATION_ID", "e2e-aggregator-" + UUID.randomUUID(),
                     "PROBR_WINDOW_SIZE_MS", Long.toString(WINDOW_MS), "PROBR_WINDOW_GRACE_MS", Long.toString(GRACE_MS),
                     "PROBR_AGGREGATOR_PORT", "0")));
             AlertingApp alerting = new AlertingApp(AlertingConfig.fromEnv(Map.of(
                     "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_ALERTING_STATE_DIR", dir.resolve("alerting").toString(),
                     "PROBR_ALERTING_APPLICATION_ID", "e2e-alerting-" + UUID.randomUUID(),
                     "PROBR_ALERTING_PORT", "0", "PROBR_CLICKHOUSE_URL", "http://127.0.0.1:9",
                     "PROBR_WEBHOOK_ALLOW_PRIVATE", "true")));
             ConfigView view = new ConfigView(kafka, "e2e-alerting-config").start();
             ConfigWriter writer = new ConfigWriter(kafka, view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            Webhook webhook = writer.put(new Webhook("wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16),
                    "e2e", receiver.url("/alerts"), "POST", Map.of(), List.of("alert.firing"), true, null, null,
                    io.probr.schemas.alert.WebhookSignature.newSecret(new java.security.SecureRandom()), "x", "x", 1),
                    OptionalLong.empty());
            writer.put(new Trigger("tr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), "timeouts",
                    null, null, container, null, JSON.readTree("{\"failure_rate\": {\"greater_than\": 0.5}, "
                    + "\"min_executions\": 3, \"period\": \"5m\"}"), List.of(new Trigger.Action("webhook", webhook.id())),
                    true, "x", "x", 1), OptionalLong.empty());
            Poll.until("aggregator and alerting running", Duration.ofSeconds(60),
                    () -> aggregator.isReady() && alerting.isReady());

            HttpClient http = HttpClient.newHttpClient();
            long now = System.currentTimeMillis();
            long windowEnd = (now / WINDOW_MS + 1) * WINDOW_MS;
            for (int i = 0; i < 5; i++) {
                String body = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":"
                        + (now + i) + ",\"tags\":[{\"id\":\"7\",\"name\":\"Meta CAPI\",\"status\":\"timeout\"}]}";
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ingest"))
                        .header("X-Probr-Key", key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            Poll.until("the firing delivery", Duration.ofMillis(windowEnd - System.currentTimeMillis() + GRACE_MS + 15_000),
                    () -> !receiver.requests().isEmpty());
            WebhookReceiver.Request firing = receiver.requests().get(0);
            long delayMs = Duration.between(Instant.ofEpochMilli(windowEnd), firing.at()).toMillis();
            System.out.printf("alert delivered %d ms after its window's end (grace %d ms)%n", delayMs, GRACE_MS);
            assertTrue(delayMs <= GRACE_MS + 10_000, "delivered " + delayMs + " ms after the window's end");
            assertEquals("Meta CAPI", JSON.readTree(firing.body()).get("data").get("tag").asText());
            Thread.sleep(WINDOW_MS + GRACE_MS); // the next window closing must not notify again
            assertEquals(1, receiver.requests().size());
        }
    }
}
