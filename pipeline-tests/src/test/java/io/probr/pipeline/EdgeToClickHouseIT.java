package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.aggregator.AggregatorApp;
import io.probr.aggregator.AggregatorConfig;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.schemas.config.KeyCodec;
import io.probr.ingest.auth.KeyFile;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's payloads, moved to the minute now in progress, posted to the running edge arrive in ClickHouse with
 * every value right, raw and windowed. It has a broker of its own: a partition's time is shared by its containers,
 * and another test's events on the shared broker could close these windows early.
 */
@ExtendWith(SharedClickHouse.class)
class EdgeToClickHouseIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String container = "GTM-E2E" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    @Test
    void seedPayloadsPostedToTheEdgeAreStoredFieldByField(LocalClickHouse server, @TempDir Path dir) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.onFreePorts(dir.resolve("kafka"))) {
            broker.start();
            storedFieldByField(broker, server, dir);
        }
    }

    private void storedFieldByField(LocalKafkaBroker broker, LocalClickHouse server, Path dir) throws Exception {
        String key = KeyCodec.forIngestKeys().newKey();
        String keyId = KeyCodec.forIngestKeys().idOf(key).orElseThrow();
        new KeyFile(null, null).withKey(new KeyFile.Entry(keyId, HexFormat.of().formatHex(KeyCodec.sha256(key)),
                "shop", false, null, null, null, null, null)).write(dir.resolve("keys.json"));
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        String app = "e2e-" + container;
        long before = System.currentTimeMillis();
        try (IngestApp edge = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
             AggregatorApp aggregator = new AggregatorApp(AggregatorConfig.fromEnv(Map.of(
                     "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(), "PROBR_AGGREGATOR_APPLICATION_ID", app,
                     "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("state").toString(), "PROBR_WINDOW_GRACE_MS", "30000",
                     "PROBR_AGGREGATOR_PORT", "0")));
             SinkApp sink = new SinkApp(SinkConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                     "PROBR_CLICKHOUSE_URL", server.httpUrl(), "PROBR_SINK_GROUP_ID", app + "-sink", "PROBR_SINK_HOST", "127.0.0.1",
                     "PROBR_SINK_PORT", "0", "PROBR_SINK_FLUSH_INTERVAL_MS", "200")))) {
            SeedNow seed = new SeedNow();
            String perEvent = seed.example("per-event.json");
            String minimal = seed.example("per-event-minimal.json");
            assertEquals(200, post(edge, key, perEvent));
            assertEquals(200, post(edge, key, minimal));
            assertEquals(200, post(edge, key, perEvent.replace(seed.shift("1708790400000"), seed.shift("1708790430000"))));
            assertEquals(200, post(edge, key, seed.example("batched.json")));
            // next minute + grace (a tag clock 95 s ahead, within the skew): closes the first window
            assertEquals(200, post(edge, key, minimal.replace(seed.shift("1708790401000"), seed.shift("1708790495000"))));
            long after = System.currentTimeMillis();

            String where = " WHERE container_id = '" + container + "'";
            Poll.until("raw rows and both windows in ClickHouse", Duration.ofSeconds(60), () ->
                    number(clickHouse, "SELECT count() FROM probr.events FINAL" + where) == 4
                    && number(clickHouse, "SELECT count() FROM probr.windows FINAL" + where) == 2);

            String sinkMetrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(sinkMetrics.contains("probr_sink_records_total{topic=\"probr.events.v1\"} 4.0"), sinkMetrics);
            assertTrue(sinkMetrics.contains("probr_sink_records_total{topic=\"probr.batches.v1\"} 1.0"), sinkMetrics);

            String events = clickHouse.query("SELECT event_name, timestamp_ms, key_id, site_id, tag_count, has_user_data,"
                    + " has_email, has_phone, has_first_name, has_last_name, has_city, has_country, has_ecommerce, has_value,"
                    + " has_currency, has_transaction_id, has_items FROM probr.events FINAL" + where
                    + " ORDER BY timestamp_ms FORMAT TabSeparated");
            assertEquals(seed.shift("purchase\t1708790400000\t" + keyId + "\tshop\t2\t1\t1\t0\t1\t1\t0\t1\t1\t1\t1\t1\t1\n"
                    + "page_view\t1708790401000\t" + keyId + "\tshop\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n"
                    + "purchase\t1708790430000\t" + keyId + "\tshop\t2\t1\t1\t0\t1\t1\t0\t1\t1\t1\t1\t1\t1\n"
                    + "page_view\t1708790495000\t" + keyId + "\tshop\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n"), events);
            assertEquals(0, number(clickHouse, "SELECT countIf(received_at_ms < " + before + " OR received_at_ms > "
                    + after + ") FROM probr.events FINAL" + where), "received_at_ms is the edge's clock");
            assertEquals(4, number(clickHouse, "SELECT uniqExact(ingest_id) FROM probr.events FINAL" + where));

            assertEquals("""
                    %s\tpurchase\tGA4 - Event\t15\tGA4 - Event\tsuccess\t120
                    %s\tpurchase\tMeta CAPI\t22\tMeta CAPI\tfailure\t5000
                    %s\tpage_view\t15\t15\t\ttimeout\t\\N
                    %s\tpurchase\tGA4 - Event\t15\tGA4 - Event\tsuccess\t120
                    %s\tpurchase\tMeta CAPI\t22\tMeta CAPI\tfailure\t5000
                    %s\tpage_view\t15\t15\t\ttimeout\t\\N
                    """.formatted(seed.dateTime(1708790400000L), seed.dateTime(1708790400000L),
                    seed.dateTime(1708790401000L), seed.dateTime(1708790430000L), seed.dateTime(1708790430000L),
                    seed.dateTime(1708790495000L)), clickHouse.query("SELECT event_time, event_name, tag, tag_id, tag_name, status, execution_ms"
                    + " FROM probr.tag_executions FINAL" + where + " ORDER BY timestamp_ms, tag_index FORMAT TabSeparated"));

            String windows = clickHouse.query("SELECT source, window_part, window_start_ms, window_end_ms, total_events,"
                    + " event_counts.event_name, event_counts.count, user_data_email, user_data_phone, user_data_address,"
                    + " user_data_total, ecommerce_value, ecommerce_currency, ecommerce_transaction_id, ecommerce_items,"
                    + " ecommerce_total FROM probr.windows FINAL" + where + " ORDER BY source FORMAT TabSeparated");
            String[] rows = windows.split("\n");
            assertEquals(2, rows.length, windows);
            assertTrue(rows[0].matches(seed.shift("tag_batch\t[0-9a-f-]{36}\t1708790400000\t1708790459000\t50\t")
                    + "\\['add_to_cart','page_view','purchase'\\]\t\\[5,40,5\\]\t42\t15\t38\t50\t5\t5\t4\t5\t5"), rows[0]);
            assertEquals(seed.shift("stream\tfinal\t1708790400000\t1708790460000\t3\t['page_view','purchase']\t[1,2]"
                    + "\t2\t0\t2\t3\t2\t2\t2\t2\t2"), rows[1]);
            assertEquals("""
                    tag_batch\tGA4 - Event\t48\t2\t0\t0\t6240\t50
                    tag_batch\tMeta CAPI\t3\t1\t1\t0\t9100\t5
                    stream\t15\t0\t0\t1\t0\t0\t1
                    stream\tGA4 - Event\t2\t0\t0\t0\t240\t2
                    stream\tMeta CAPI\t0\t2\t0\t0\t10000\t2
                    """, clickHouse.query("SELECT source, tag, success, failure, timeout, exception, total_exec_ms, count"
                    + " FROM probr.tag_windows FINAL" + where + " ORDER BY source, tag FORMAT TabSeparated"));
        }
    }

    private static long number(ClickHouseHttp clickHouse, String sql) throws Exception {
        return Long.parseLong(clickHouse.query(sql + " FORMAT TabSeparated").strip());
    }

    private int post(IngestApp edge, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ingest"))
                        .header("Content-Type", "application/json").header("X-Probr-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body.replace("GTM-ABC123", container))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
