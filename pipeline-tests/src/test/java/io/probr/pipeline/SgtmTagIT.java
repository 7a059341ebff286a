package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.ingest.auth.KeyFile;
import io.probr.schemas.config.KeyCodec;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sGTM monitoring tag (sgtm-tag/template.tpl), run under its Node harness, against the real edge: the same
 * generated events in per-event mode from one container and batched from another are all answered 200, and
 * what ClickHouse holds for each equals what the tag sent, and each other.
 */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class SgtmTagIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 300;
    private static final int BATCH_SIZE = 50;
    private final String suffix = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    @Test
    void eventsSentByTheTagInBothModesAreStoredAsSent(LocalKafkaBroker broker, LocalClickHouse server, @TempDir Path dir)
            throws Exception {
        String key = KeyCodec.forIngestKeys().newKey();
        String keyId = KeyCodec.forIngestKeys().idOf(key).orElseThrow();
        new KeyFile(null, null).withKey(new KeyFile.Entry(keyId, HexFormat.of().formatHex(KeyCodec.sha256(key)),
                "shop", false, null, null, null, null, null)).write(dir.resolve("keys.json"));
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        try (IngestApp edge = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
             SinkApp sink = new SinkApp(SinkConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_CLICKHOUSE_URL", server.httpUrl(), "PROBR_SINK_GROUP_ID", "sgtm-tag-it-" + suffix,
                     "PROBR_SINK_HOST", "127.0.0.1", "PROBR_SINK_PORT", "0", "PROBR_SINK_FLUSH_INTERVAL_MS", "200")))) {
            String endpoint = "http://127.0.0.1:" + edge.port() + "/ingest";
            String perEventContainer = "GTM-TAGE" + suffix;
            String batchedContainer = "GTM-TAGB" + suffix;
            JsonNode perEvent = drive(endpoint, key, "per_event", perEventContainer);
            JsonNode batched = drive(endpoint, key, "batched", batchedContainer);

            assertEquals(JSON.readTree("{\"200\":" + EVENTS + "}"), perEvent.get("statuses"), perEvent.toString());
            assertEquals(JSON.readTree("{\"200\":" + EVENTS / BATCH_SIZE + "}"), batched.get("statuses"), batched.toString());
            assertEquals(0, batched.get("unsent_events").asInt());
            assertEquals(perEvent.get("accepted"), batched.get("accepted"), "the same events, counted alike in both modes");
            assertEquals(EVENTS, perEvent.get("accepted").get("total_events").asInt());

            Poll.until("both containers' events in ClickHouse", Duration.ofSeconds(60), () ->
                    number(clickHouse, "SELECT count() FROM probr.events FINAL WHERE container_id = '" + perEventContainer + "'") == EVENTS
                    && number(clickHouse, "SELECT sum(total_events) FROM probr.windows FINAL WHERE source = 'tag_batch'"
                    + " AND container_id = '" + batchedContainer + "'") == EVENTS);
            assertEquals(perEvent.get("accepted"), storedRawTotals(clickHouse, perEventContainer), "per-event rows");
            assertEquals(batched.get("accepted"), storedBatchTotals(clickHouse, batchedContainer), "the tag's batches");
        }
    }

    private JsonNode drive(String endpoint, String key, String mode, String container) throws Exception {
        Process node;
        try {
            node = new ProcessBuilder("node", ROOT.resolve("sgtm-tag/harness/drive.mjs").toString(),
                    "--endpoint", endpoint, "--key", key, "--mode", mode, "--container", container,
                    "--events", Integer.toString(EVENTS), "--batch-size", Integer.toString(BATCH_SIZE), "--seed", "11")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new AssertionError("this test runs the tag under Node: install Node.js 18 or later (.ci/run does)", e);
        }
        byte[] out = node.getInputStream().readAllBytes();
        if (!node.waitFor(120, TimeUnit.SECONDS) || node.exitValue() != 0) {
            node.destroyForcibly();
            throw new AssertionError("drive.mjs " + mode + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return JSON.readTree(out);
    }

    /** The per-event rows, totalled by the aggregator's rules into the batched shape. */
    private static JsonNode storedRawTotals(ClickHouseHttp clickHouse, String container) throws Exception {
        String where = " FROM probr.events FINAL WHERE container_id = '" + container + "'";
        ObjectNode totals = JSON.createObjectNode();
        totals.put("total_events", number(clickHouse, "SELECT count()" + where));
        totals.set("event_counts", counts(clickHouse, "SELECT event_name, count()" + where + " GROUP BY event_name"));
        totals.set("tag_metrics", tagMetrics(clickHouse, "SELECT tag, countIf(status = 'success'), countIf(status = 'failure'),"
                + " countIf(status = 'timeout'), countIf(status = 'exception'), sum(ifNull(execution_ms, 0)), count()"
                + " FROM probr.tag_executions FINAL WHERE container_id = '" + container + "' GROUP BY tag"));
        totals.set("user_data_quality", fields(clickHouse, "SELECT sum(has_email), sum(has_phone),"
                + " sum(has_first_name AND has_last_name AND has_country), count()" + where, "email", "phone", "address", "total"));
        totals.set("ecommerce_quality", fields(clickHouse, "SELECT sum(has_value), sum(has_currency), sum(has_transaction_id),"
                + " sum(has_items), sum(has_ecommerce)" + where, "value", "currency", "transaction_id", "items", "total"));
        return normal(totals);
    }

    private static JsonNode storedBatchTotals(ClickHouseHttp clickHouse, String container) throws Exception {
        String where = " FROM probr.windows FINAL WHERE source = 'tag_batch' AND container_id = '" + container + "'";
        ObjectNode totals = JSON.createObjectNode();
        totals.put("total_events", number(clickHouse, "SELECT sum(total_events)" + where));
        totals.set("event_counts", counts(clickHouse, "SELECT event_counts.event_name AS name, sum(event_counts.count)"
                + where.replace(" WHERE", " ARRAY JOIN event_counts WHERE") + " GROUP BY name"));
        totals.set("tag_metrics", tagMetrics(clickHouse, "SELECT tag, sum(success), sum(failure), sum(timeout), sum(exception),"
                + " sum(total_exec_ms), sum(count) FROM probr.tag_windows FINAL WHERE source = 'tag_batch'"
                + " AND container_id = '" + container + "' GROUP BY tag"));
        totals.set("user_data_quality", fields(clickHouse, "SELECT sum(user_data_email), sum(user_data_phone),"
                + " sum(user_data_address), sum(user_data_total)" + where, "email", "phone", "address", "total"));
        totals.set("ecommerce_quality", fields(clickHouse, "SELECT sum(ecommerce_value), sum(ecommerce_currency),"
                + " sum(ecommerce_transaction_id), sum(ecommerce_items), sum(ecommerce_total)" + where,
                "value", "currency", "transaction_id", "items", "total"));
        return normal(totals);
    }

    private static ObjectNode counts(ClickHouseHttp clickHouse, String sql) throws IOException {
        ObjectNode counts = JSON.createObjectNode();
        for (String[] row : rows(clickHouse, sql)) {
            counts.put(row[0], Long.parseLong(row[1]));
        }
        return counts;
    }

    private static ObjectNode tagMetrics(ClickHouseHttp clickHouse, String sql) throws IOException {
        ObjectNode metrics = JSON.createObjectNode();
        String[] names = {"success", "failure", "timeout", "exception", "total_exec_ms", "count"};
        for (String[] row : rows(clickHouse, sql)) {
            ObjectNode tag = metrics.putObject(row[0]);
            for (int i = 0; i < names.length; i++) {
                tag.put(names[i], Long.parseLong(row[i + 1]));
            }
        }
        return metrics;
    }

    private static ObjectNode fields(ClickHouseHttp clickHouse, String sql, String... names) throws IOException {
        String[] row = rows(clickHouse, sql)[0];
        ObjectNode fields = JSON.createObjectNode();
        for (int i = 0; i < names.length; i++) {
            fields.put(names[i], Long.parseLong(row[i]));
        }
        return fields;
    }

    private static String[][] rows(ClickHouseHttp clickHouse, String sql) throws IOException {
        return clickHouse.query(sql + " FORMAT TabSeparated").lines().map(line -> line.split("\t")).toArray(String[][]::new);
    }

    private static long number(ClickHouseHttp clickHouse, String sql) throws IOException {
        return Long.parseLong(clickHouse.query(sql + " FORMAT TabSeparated").strip());
    }

    /** Numbers as JSON text reads them, so a tree built here equals one parsed from the driver's output. */
    private static JsonNode normal(JsonNode node) throws IOException {
        return JSON.readTree(JSON.writeValueAsString(node));
    }
}
