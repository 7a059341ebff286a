package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.control.ControlApp;
import io.probr.control.ControlConfig;
import io.probr.control.config.Tokens;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.payload.TagStatus;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The /v1 reads over ClickHouse 18.16: known rows (written twice, like a replay) give hand-computed figures,
 * and names or values that try to reach the SQL are refused or bound.
 */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlReadsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String container = "GTM-R" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private final HttpClient http = HttpClient.newHttpClient();
    private final UUID first = UUID.randomUUID();
    private final UUID second = UUID.randomUUID();
    private final UUID third = UUID.randomUUID();
    private ControlApp api;
    private String token;
    private String keyId;
    private long lastReceivedMs;

    @BeforeAll
    void start(LocalKafkaBroker broker, LocalClickHouse clickHouse) throws Exception {
        new MigrationRunner(new ClickHouseHttp(clickHouse.httpUrl(), "default", "")).apply(Migration.bundled());
        api = new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0", "PROBR_CLICKHOUSE_URL", clickHouse.httpUrl(),
                // the read-only user compose gives the API (deploy/clickhouse/probr-reader.xml): every read works as it
                "PROBR_API_CLICKHOUSE_USER", "probr_reader")));
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        try (ConfigView view = new ConfigView(kafka, "control-reads-it").start();
             ConfigWriter writer = new ConfigWriter(kafka, view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            Tokens tokens = new Tokens(view, writer, Clock.systemUTC());
            token = (String) tokens.create("reader", true).get("token");
            String admin = (String) tokens.create("writer", false).get("token");
            ApiTokens.awaitKnown(api.port(), admin); // written after the reader's token: both known then
            String site = "reads-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(201, send(HttpRequest.newBuilder(uri("/v1/sites")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"" + site + "\"}")), admin).statusCode());
            HttpResponse<String> key = send(HttpRequest.newBuilder(uri("/v1/keys")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"site_id\":\"" + site + "\"}")), admin);
            keyId = JSON.readTree(key.body()).get("id").asText();
        }
        long now = System.currentTimeMillis() - 1_000;
        lastReceivedMs = now;
        RowBatch rows = new RowBatch();
        PerEventPayload.Ecommerce full = new PerEventPayload.Ecommerce(true, true, true, true);
        PerEventPayload.Ecommerce valueOnly = new PerEventPayload.Ecommerce(true, false, false, false);
        rows.events().add(new Rows.EventRow(first, container, "purchase", now, now, keyId, "s", 2, null, full));
        rows.events().add(new Rows.EventRow(second, container, "purchase", now - 1, now - 5, keyId, "s", 1, null, valueOnly));
        rows.events().add(new Rows.EventRow(third, container, "page_view", now - 2, now - 5, "k", "s", 1, null, null));
        rows.tagExecutions().add(new Rows.TagExecutionRow(first, 0, container, "purchase", now, "A", "1", "A", TagStatus.SUCCESS, 100L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(first, 1, container, "purchase", now, "B", "2", "B", TagStatus.SUCCESS, 50L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(second, 0, container, "purchase", now - 1, "A", "1", "A", TagStatus.FAILURE, 200L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(third, 0, container, "page_view", now - 2, "A", "1", "A", TagStatus.TIMEOUT, null));
        long start = now - now % 60_000;
        Rows.WindowKey stream = new Rows.WindowKey(Rows.Source.STREAM, container, start, start + 60_000, "final");
        Rows.WindowKey batch = new Rows.WindowKey(Rows.Source.TAG_BATCH, container, start, start + 60_000, first.toString());
        // the stream window counts the per-event rows again: analytics must leave it out
        rows.windows().add(new Rows.WindowRow(stream, new BatchedPayload(container, true, start, start + 60_000, 3,
                Map.of("purchase", 2L, "page_view", 1L), Map.of(), new BatchedPayload.UserDataQuality(0, 0, 0, 3), null)));
        rows.windows().add(new Rows.WindowRow(batch, new BatchedPayload(container, true, start, start + 60_000, 5,
                Map.of("purchase", 5L), Map.of(), new BatchedPayload.UserDataQuality(2, 1, 3, 5), null)));
        rows.tagWindows().add(new Rows.TagWindowRow(batch, "A", new BatchedPayload.TagMetrics(9, 1, 0, 0, 1000, 10)));
        rows.tagWindows().add(new Rows.TagWindowRow(stream, "A", new BatchedPayload.TagMetrics(1, 1, 1, 0, 300, 3)));
        try (ClickHouseWriter writer = new ClickHouseWriter(clickHouse.httpUrl(), "default", "")) {
            writer.write(rows);
            writer.write(rows);
        }
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theReadOnlyUserCanReadButNotWrite(LocalClickHouse clickHouse) throws Exception {
        ClickHouseHttp reader = new ClickHouseHttp(clickHouse.httpUrl(), "probr_reader", "");
        assertEquals("3\n", reader.query("SELECT count() FROM probr.events FINAL WHERE container_id = '" + container
                + "' FORMAT TabSeparated"));
        ClickHouseException refused = assertThrows(ClickHouseException.class, () -> reader.query(
                "INSERT INTO probr.events (ingest_id, container_id) VALUES ('" + UUID.randomUUID() + "', 'x')"));
        assertTrue(refused.getMessage().contains("readonly"), refused.getMessage());
        assertThrows(ClickHouseException.class, () -> reader.query("DROP TABLE probr.events"));
    }

    @Test
    void analyticsEqualHandComputedFigures() throws Exception {
        JsonNode analytics = get("/v1/analytics?period=1h&container_id=" + container);
        JsonNode tags = analytics.get("tags");
        assertEquals(2, tags.size(), tags.toString());
        JsonNode a = tags.get(0);
        assertEquals("A", a.get("tag").asText());
        // per event: success 100 ms, failure 200 ms, timeout (no time); batch: 9 success + 1 failure, 1000 ms over 10
        assertEquals(13, a.get("executions").asLong());
        assertEquals(10, a.get("success").asLong());
        assertEquals(2, a.get("failure").asLong());
        assertEquals(1, a.get("timeout").asLong());
        assertEquals(0.2308, a.get("failure_rate").asDouble());
        assertEquals(108.3, a.get("avg_execution_ms").asDouble());
        assertEquals(200, a.get("p95_execution_ms").asLong());
        JsonNode b = tags.get(1);
        assertEquals("B", b.get("tag").asText());
        assertEquals(0.0, b.get("failure_rate").asDouble());
        assertEquals(50, b.get("p95_execution_ms").asLong());

        assertEquals(8, analytics.get("total_events").asLong());
        assertEquals("purchase", analytics.get("events").get(0).get("event_name").asText());
        assertEquals(7, analytics.get("events").get(0).get("count").asLong());
        assertEquals(1, analytics.get("events").get(1).get("count").asLong());
        assertEquals(7, analytics.get("conversions").get("count").asLong());
        assertEquals(0.25, analytics.get("user_data").get("email").get("share").asDouble());
        assertEquals(3, analytics.get("user_data").get("address").get("count").asLong());
        assertEquals(2, analytics.get("ecommerce").get("events").asLong());
        assertEquals(0.5, analytics.get("ecommerce").get("currency").get("share").asDouble());

        JsonNode realtime = get("/v1/analytics/realtime?container_id=" + container);
        assertEquals(13, realtime.get("tags").get(0).get("executions").asLong());
        assertEquals(3, realtime.get("last_closed_window").get("total_events").asLong());
    }

    @Test
    void aKeysLastUseComesFromTheStoredEvents() throws Exception {
        JsonNode key = get("/v1/keys/" + keyId);
        // the latest received_at_ms among the events posted with the key
        assertEquals(java.time.Instant.ofEpochMilli(lastReceivedMs).toString(), key.get("last_used_at").asText(),
                key.toString());
        JsonNode listed = get("/v1/keys?limit=1000");
        assertTrue(listed.toString().contains(key.get("last_used_at").asText()), listed.toString());
    }

    @Test
    void theContainersOfASiteAreListedForAPicker() throws Exception {
        JsonNode all = get("/v1/containers?period=1h");
        assertTrue(all.get("data").toString().contains("{\"container_id\":\"" + container + "\",\"site_id\":\"s\"}"),
                all.toString());
        assertTrue(get("/v1/containers?period=1h&site_id=s").get("data").toString().contains(container));
        assertEquals(0, get("/v1/containers?period=1h&site_id=" + URLEncoder.encode("s' OR '1'='1",
                StandardCharsets.UTF_8)).get("data").size(), "a value is bound, not spliced");
        assertEquals(400, status("/v1/containers?period=1h&start_date=2026-01-01"));
    }

    @Test
    void eventsAreListedNewestFirstOnceEachWithTheirTags() throws Exception {
        JsonNode page = get("/v1/events?container_id=" + container);
        assertEquals(3, page.get("data").size(), page.toString());
        JsonNode newest = page.get("data").get(0);
        assertEquals(first.toString(), newest.get("ingest_id").asText());
        assertEquals(2, newest.get("tags").size());
        assertEquals("B", newest.get("tags").get(1).get("tag").asText());
        assertEquals(50, newest.get("tags").get(1).get("execution_ms").asLong());
        assertTrue(newest.get("ecommerce").get("has_items").asBoolean());

        JsonNode timeouts = get("/v1/events?status=timeout&container_id=" + container);
        assertEquals(1, timeouts.get("data").size());
        assertEquals(third.toString(), timeouts.get("data").get(0).get("ingest_id").asText());
        JsonNode paged = get("/v1/events?limit=2&container_id=" + container);
        assertEquals(2, paged.get("data").size());
        assertEquals(2, paged.get("next").asInt());
        assertEquals(1, get("/v1/events?limit=2&offset=2&container_id=" + container).get("data").size());
    }

    @Test
    void aReportGroupsAndFiltersByName() throws Exception {
        JsonNode report = post("/v1/reports", "{\"group_by\":[\"tag\",\"status\"],\"metrics\":[\"executions\","
                + "\"failure_rate\",\"events\",\"avg_execution_ms\"],\"filters\":{\"container_id\":\"" + container + "\"},"
                + "\"date_range\":{\"start\":\"" + java.time.Instant.now().minusSeconds(3600) + "\"}}", 200);
        assertEquals("[{\"tag\":\"A\",\"status\":\"failure\",\"executions\":1,\"failure_rate\":1.0,\"events\":1,"
                + "\"avg_execution_ms\":200.0},{\"tag\":\"A\",\"status\":\"success\",\"executions\":1,\"failure_rate\":0.0,"
                + "\"events\":1,\"avg_execution_ms\":100.0},{\"tag\":\"A\",\"status\":\"timeout\",\"executions\":1,"
                + "\"failure_rate\":1.0,\"events\":1,\"avg_execution_ms\":null},{\"tag\":\"B\",\"status\":\"success\","
                + "\"executions\":1,\"failure_rate\":0.0,\"events\":1,\"avg_execution_ms\":50.0}]",
                report.get("rows").toString());
        JsonNode byTag = post("/v1/reports", "{\"metrics\":[\"executions\",\"p95_execution_ms\"],\"filters\":"
                + "{\"container_id\":[\"" + container + "\"],\"tag\":[\"A\"]}}", 200);
        assertEquals("[{\"executions\":3,\"p95_execution_ms\":200}]", byTag.get("rows").toString());
    }

    @Test
    void namesThatAreNotOnTheListsAre400AndValuesAreBoundNotSpliced() throws Exception {
        for (String body : new String[] {
                "{\"metrics\":[\"executions); DROP TABLE probr.events; --\"]}",
                "{\"metrics\":[\"executions\"],\"group_by\":[\"tag, (SELECT 1)\"]}",
                "{\"metrics\":[\"executions\"],\"filters\":{\"1=1 OR tag\":\"x\"}}",
                "{\"metrics\":[\"executions\"],\"date_range\":{\"start\":\"2026-01-01'; --\"}}",
                "{\"metrics\":[\"executions\"],\"date_range\":{\"start\":\"2020-01-01\",\"end\":\"2026-01-01\"}}",
                "{\"metrics\":[\"executions\"],\"sql\":\"SELECT 1\"}"}) {
            JsonNode refused = post("/v1/reports", body, 400);
            assertEquals("invalid_request", refused.get("error").asText(), body);
        }
        assertEquals(400, status("/v1/events?status=success'%20OR%201=1"));
        assertEquals(400, status("/v1/analytics?period=1y"));
        assertEquals(400, status("/v1/events?start_date=yesterday"));
        assertEquals(400, status("/v1/events?order_by=1"));
        String injection = URLEncoder.encode(container + "' OR 1=1 --", StandardCharsets.UTF_8);
        assertEquals(0, get("/v1/events?container_id=" + injection).get("data").size());
        assertEquals(0, get("/v1/events?container_id=" + container + "&tag=" + URLEncoder.encode("A' OR '1'='1",
                StandardCharsets.UTF_8)).get("data").size());
        JsonNode report = post("/v1/reports", "{\"metrics\":[\"executions\"],\"filters\":{\"container_id\":\""
                + container + "') OR ('1'='1\"}}", 200);
        assertEquals(0, report.get("rows").get(0).get("executions").asLong());
        assertEquals(3, get("/v1/events?container_id=" + container).get("data").size(), "nothing was dropped");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private int status(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET()).statusCode();
    }

    private JsonNode post(String path, String body, int expected) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
        assertEquals(expected, response.statusCode(), body + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return send(request, token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String bearer) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }
}
