package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.AggregatorApp;
import io.probr.aggregator.AggregatorConfig;
import io.probr.alerting.AlertingApp;
import io.probr.alerting.AlertingConfig;
import io.probr.control.ControlApp;
import io.probr.control.ControlConfig;
import io.probr.control.config.Tokens;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.ingest.auth.KeyFile;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every process's Kafka clients log in to a SASL_PLAINTEXT listener with the one set of PROBR_KAFKA_CLIENT_*
 * settings: the edge (producer, admin, config view), the control API (config writer), the aggregator (Streams,
 * DLQ), the sink (consumer, DLQ producer, admin), alerting (Streams, dispatcher) and ./probr replay. A client
 * without them is refused, so nothing passes on the plaintext side by accident.
 */
@ExtendWith(SharedClickHouse.class)
class SecuredKafkaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String container = "GTM-SASL" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    @Test
    void everyProcessWorksThroughASaslListener(LocalClickHouse server, @TempDir Path dir) throws Exception {
        String password = "pw-" + UUID.randomUUID();
        try (LocalKafkaBroker broker = LocalKafkaBroker.withSaslListener(dir.resolve("kafka"), "probr", password)) {
            broker.start();
            Map<String, String> kafkaEnv = new HashMap<>(broker.sasl().clientEnv());
            kafkaEnv.put("PROBR_KAFKA_BOOTSTRAP", broker.saslBootstrapServers());
            withEveryService(kafkaEnv, server, dir);

            Map<String, Object> noLogin = Map.of("bootstrap.servers", broker.saslBootstrapServers(),
                    "request.timeout.ms", "3000", "default.api.timeout.ms", "3000");
            try (Admin anonymous = Admin.create(noLogin)) {
                assertThrows(ExecutionException.class, () -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS),
                        "a client without the settings is refused");
            }
        }
    }

    private void withEveryService(Map<String, String> kafkaEnv, LocalClickHouse server, Path dir) throws Exception {
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        new KeyFile(Map.of(), List.of()).write(dir.resolve("keys.json"));
        String app = "sasl-" + container;
        try (IngestApp edge = new IngestApp(IngestConfig.fromEnv(env(kafkaEnv, "PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(),
                "PROBR_EDGE_WARMUP_SECONDS", "0")));
             ControlApp api = new ControlApp(ControlConfig.fromEnv(env(kafkaEnv, "PROBR_API_HOST", "127.0.0.1",
                     "PROBR_API_PORT", "0", "PROBR_CLICKHOUSE_URL", server.httpUrl())));
             AggregatorApp aggregator = new AggregatorApp(AggregatorConfig.fromEnv(env(kafkaEnv,
                     "PROBR_AGGREGATOR_APPLICATION_ID", app, "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("state").toString(),
                     "PROBR_WINDOW_SIZE_MS", "1000", "PROBR_WINDOW_GRACE_MS", "0", "PROBR_AGGREGATOR_PORT", "0")));
             SinkApp sink = new SinkApp(SinkConfig.fromEnv(env(kafkaEnv, "PROBR_CLICKHOUSE_URL", server.httpUrl(),
                     "PROBR_SINK_GROUP_ID", app + "-sink", "PROBR_SINK_HOST", "127.0.0.1", "PROBR_SINK_PORT", "0",
                     "PROBR_SINK_FLUSH_INTERVAL_MS", "200")));
             AlertingApp alerting = new AlertingApp(AlertingConfig.fromEnv(env(kafkaEnv, "PROBR_CLICKHOUSE_URL",
                     server.httpUrl(), "PROBR_ALERTING_APPLICATION_ID", app + "-alerting",
                     "PROBR_ALERTING_STATE_DIR", dir.resolve("alerting").toString(), "PROBR_ALERTING_HOST", "127.0.0.1",
                     "PROBR_ALERTING_PORT", "0")))) {
            KafkaSettings kafka = KafkaSettings.fromEnv(new EnvVars(kafkaEnv));
            String admin;
            try (ConfigView view = ConfigView.load(kafka, "sasl-it", Duration.ofSeconds(30));
                 ConfigWriter writer = new ConfigWriter(kafka, view)) {
                admin = (String) new Tokens(view, writer, Clock.systemUTC()).create("sasl-it", false).get("token");
            }
            ApiTokens.awaitKnown(api.port(), admin);
            // the control API writes the site and key; the edge learns the key from the topic
            String site = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(201, call(api, admin, "/v1/sites", "{\"id\":\"" + site + "\"}").statusCode());
            HttpResponse<String> created = call(api, admin, "/v1/keys", "{\"site_id\":\"" + site + "\"}");
            assertEquals(201, created.statusCode(), created.body());
            String key = JSON.readTree(created.body()).get("secret").asText();
            long now = System.currentTimeMillis();
            Poll.until("the edge accepts the new key", Duration.ofSeconds(10), () -> post(edge, key, now) == 200);

            Poll.until("the event and its window in ClickHouse", Duration.ofSeconds(60), () ->
                    count(clickHouse, "probr.events", "") == 1 && count(clickHouse, "probr.windows", " AND source = 'stream'") == 1);

            // a record no one can process: both the aggregator's and the sink's DLQ producers must log in
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.client(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topic.EVENTS.topicName(), container.getBytes(StandardCharsets.UTF_8),
                        "not json".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            }
            Map<String, Object> reader = kafka.client();
            reader.putAll(Map.of("isolation.level", "read_committed", "auto.offset.reset", "earliest", "group.id", "sasl-it-dlq"));
            try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(reader, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                dlq.subscribe(List.of(Topic.DLQ.topicName()));
                Set<String> failedBy = new TreeSet<>();
                Poll.until("dead letters from the aggregator and the sink", Duration.ofSeconds(60), () -> {
                    for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
                        failedBy.add(new String(record.headers().lastHeader(DlqHeaders.FAILED_BY).value(), StandardCharsets.UTF_8));
                    }
                    return failedBy.size() == 2;
                });
            }

            // ./probr replay restores a lost row, reading the topic with the same settings
            clickHouse.query("ALTER TABLE probr.events DELETE WHERE container_id = '" + container + "'");
            Poll.until("the row deleted", Duration.ofSeconds(30), () -> count(clickHouse, "probr.events", "") == 0);
            assertEquals(0, replay(kafkaEnv, server, dir, "--from", Long.toString(now - 60_000), "--what", "events",
                    "--container", container));
            assertEquals(1, count(clickHouse, "probr.events", ""));
            assertTrue(alerting.isReady(), "alerting's Streams and dispatcher are running");
        }
    }

    private static Map<String, String> env(Map<String, String> kafkaEnv, String... pairs) {
        Map<String, String> env = new HashMap<>(kafkaEnv);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private int replay(Map<String, String> kafkaEnv, LocalClickHouse server, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.probr.sink.replay.ReplayCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("replay.log").toFile());
        builder.environment().putAll(env(kafkaEnv, "PROBR_CLICKHOUSE_URL", server.httpUrl()));
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "replay finished");
        String log = Files.readString(dir.resolve("replay.log"));
        assertFalse(log.contains(kafkaEnv.get("PROBR_KAFKA_CLIENT_SASL_JAAS_CONFIG")), "no password in the output: " + log);
        return process.exitValue();
    }

    private long count(ClickHouseHttp clickHouse, String table, String and) throws Exception {
        return Long.parseLong(clickHouse.query("SELECT count() FROM " + table + " FINAL WHERE container_id = '"
                + container + "'" + and + " FORMAT TabSeparated").strip());
    }

    private HttpResponse<String> call(ControlApp api, String token, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int post(IngestApp edge, String key, long timestampMs) throws Exception {
        String body = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":" + timestampMs
                + ",\"tags\":[{\"id\":\"15\",\"name\":\"GA4\",\"status\":\"success\",\"execution_time\":12}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ingest"))
                .header("Content-Type", "application/json").header("X-Probr-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
