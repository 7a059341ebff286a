package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.AggregatorApp;
import io.probr.aggregator.AggregatorConfig;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.schemas.config.KeyCodec;
import io.probr.ingest.auth.KeyFile;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Payloads posted to the running edge come out of probr.windows.v1 as the expected windows. */
@ExtendWith(SharedKafkaBroker.class)
class EdgeToWindowsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void seedPayloadsPostedToTheEdgeBecomeTheExpectedWindow(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        String key = KeyCodec.forIngestKeys().newKey();
        new KeyFile(null, null).withKey(new KeyFile.Entry(KeyCodec.forIngestKeys().idOf(key).orElseThrow(),
                HexFormat.of().formatHex(KeyCodec.sha256(key)), "shop", false, null, null, null, null, null))
                .write(dir.resolve("keys.json"));
        try (IngestApp edge = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
             AggregatorApp aggregator = new AggregatorApp(AggregatorConfig.fromEnv(Map.of(
                     "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("state").toString(),
                     "PROBR_WINDOW_GRACE_MS", "30000", "PROBR_AGGREGATOR_PORT", "0")));
             KafkaConsumer<byte[], byte[]> windows = new KafkaConsumer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers(), "group.id", "pipeline-it", "auto.offset.reset", "earliest",
                     "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            SeedNow seed = new SeedNow();
            String perEvent = seed.example("per-event.json");
            String minimal = seed.example("per-event-minimal.json");
            assertEquals(200, post(edge, key, perEvent));
            assertEquals(200, post(edge, key, minimal));
            assertEquals(200, post(edge, key, perEvent.replace(seed.shift("1708790400000"), seed.shift("1708790430000"))));
            // Same container, next minute + grace (a tag clock 95 s ahead, within the skew): closes the first window.
            assertEquals(200, post(edge, key, minimal.replace(seed.shift("1708790401000"), seed.shift("1708790495000"))));

            windows.subscribe(List.of(Topic.WINDOWS.topicName()));
            List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(60);
            while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                // other pipeline tests share the broker: only this test's container counts
                windows.poll(Duration.ofMillis(200)).forEach(r -> {
                    if ("GTM-ABC123".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        received.add(r);
                    }
                });
            }
            assertEquals(1, received.size(), "one closed window");
            ConsumerRecord<byte[], byte[]> window = received.get(0);
            assertEquals("GTM-ABC123", new String(window.key(), StandardCharsets.UTF_8));
            assertEquals(WindowHeaders.FINAL_PART, IngestHeaders.read(window.headers(), WindowHeaders.WINDOW_PART));
            JsonNode expected = JSON.readTree("""
                    {"container_id":"GTM-ABC123","batch":true,
                     "window_start_ms":1708790400000,"window_end_ms":1708790460000,"total_events":3,
                     "event_counts":{"page_view":1,"purchase":2},
                     "tag_metrics":{
                       "15":{"success":0,"failure":0,"timeout":1,"exception":0,"total_exec_ms":0,"count":1},
                       "GA4 - Event":{"success":2,"failure":0,"timeout":0,"exception":0,"total_exec_ms":240,"count":2},
                       "Meta CAPI":{"success":0,"failure":2,"timeout":0,"exception":0,"total_exec_ms":10000,"count":2}},
                     "user_data_quality":{"email":2,"phone":0,"address":2,"total":3},
                     "ecommerce_quality":{"value":2,"currency":2,"transaction_id":2,"items":2,"total":2}}""");
            assertEquals(JSON.readTree(seed.shift(expected.toString())), JSON.readTree(window.value()));
        }
    }

    private int post(IngestApp edge, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ingest"))
                        .header("Content-Type", "application/json").header("X-Probr-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
