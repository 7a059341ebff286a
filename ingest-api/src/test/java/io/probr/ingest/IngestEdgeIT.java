package io.probr.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edge against a real broker: every row of the contract's response table, and what reaches Kafka. */
@ExtendWith(SharedKafkaBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestEdgeIT {
    private static final int ONE_MIB = 1_048_576;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private TestKeys keys;
    private String key;
    private String restrictedKey;
    private IngestApp app;
    private EdgeClient edge;
    private TopicRecords topics;

    @BeforeAll
    void start(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        this.dir = dir;
        keys = new TestKeys(dir.resolve("keys.json"));
        key = keys.add("shop");
        restrictedKey = keys.add("shop", List.of("GTM-ALLOWED"), null, null);
        app = new IngestApp(IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(),
                "PROBR_KEYS_RELOAD_MS", "100",
                "PROBR_EDGE_WARMUP_SECONDS", "0")));
        edge = new EdgeClient(app.port());
        topics = new TopicRecords(broker.bootstrapServers());
        Poll.until("topics created", () -> {
            try {
                return topics.endOffsets().size() == 6;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() {
        topics.close();
        app.close();
    }

    static byte[] seed(String name) throws IOException {
        try (InputStream in = IngestEdgeIT.class.getResourceAsStream("/examples/" + name)) {
            return in.readAllBytes();
        }
    }

    static String perEvent(String containerId) {
        return "{\"container_id\":\"" + containerId + "\",\"event_name\":\"page_view\",\"timestamp_ms\":1708790401000,"
                + "\"tags\":[{\"id\":\"15\",\"status\":\"success\",\"execution_time\":12}]}";
    }

    private static void assertOk(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("{\"status\":\"ok\"}", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    private static void assertError(int status, String error, HttpResponse<String> response) throws IOException {
        assertEquals(status, response.statusCode(), response::body);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.get("error").asText(), response.body());
    }

    /** Runs a request that must be refused, and checks that nothing reached Kafka. */
    private HttpResponse<String> refused(HttpRequest.Builder request) throws Exception {
        Map<TopicPartition, Long> before = topics.endOffsets();
        HttpResponse<String> response = edge.send(request);
        assertEquals(List.of(), topics.since(before), "a refused request reached Kafka");
        return response;
    }

    private HttpRequest.Builder post(String key, String body) {
        return edge.post(key, HttpRequest.BodyPublishers.ofString(body));
    }

    private ConsumerRecord<byte[], byte[]> acceptedOnce(HttpRequest.Builder request, Topic topic) throws Exception {
        Map<TopicPartition, Long> before = topics.endOffsets();
        assertOk(edge.send(request));
        List<ConsumerRecord<byte[], byte[]>> written = topics.since(before);
        assertEquals(1, written.size(), "records written for one 200");
        assertEquals(topic.topicName(), written.get(0).topic());
        return written.get(0);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return IngestHeaders.read(record.headers(), name);
    }

    @Test
    void seedPerEventPayloadIsWrittenOnceWithKeyBytesAndHeaders() throws Exception {
        byte[] body = seed("per-event.json");
        long before = System.currentTimeMillis();
        ConsumerRecord<byte[], byte[]> record = acceptedOnce(
                edge.post(key, HttpRequest.BodyPublishers.ofByteArray(body)), Topic.EVENTS);
        assertEquals("GTM-ABC123", new String(record.key(), StandardCharsets.UTF_8));
        assertArrayEquals(body, record.value());
        UUID ingestId = UUID.fromString(header(record, IngestHeaders.INGEST_ID));
        assertEquals(7, ingestId.version());
        long receivedAt = Long.parseLong(header(record, IngestHeaders.RECEIVED_AT_MS));
        assertTrue(receivedAt >= before && receivedAt <= System.currentTimeMillis());
        assertEquals(KeyCodec.forIngestKeys().idOf(key).orElseThrow(), header(record, IngestHeaders.KEY_ID));
        assertEquals("shop", header(record, IngestHeaders.SITE_ID));
        for (var h : record.headers()) {
            assertTrue(!new String(h.value(), StandardCharsets.UTF_8).contains(key), "the key leaked into a header");
        }
    }

    @Test
    void seedBatchedPayloadGoesToTheBatchesTopic() throws Exception {
        byte[] body = seed("batched.json");
        ConsumerRecord<byte[], byte[]> record = acceptedOnce(
                edge.post(key, HttpRequest.BodyPublishers.ofByteArray(body)), Topic.BATCHES);
        assertEquals("GTM-ABC123", new String(record.key(), StandardCharsets.UTF_8));
        assertArrayEquals(body, record.value());
    }

    @Test
    void seedMinimalPayloadIsAccepted() throws Exception {
        acceptedOnce(edge.post(key, HttpRequest.BodyPublishers.ofByteArray(seed("per-event-minimal.json"))), Topic.EVENTS);
    }

    @Test
    void bearerAuthorizationIsAnAliasOfTheKeyHeader() throws Exception {
        acceptedOnce(edge.post(null, HttpRequest.BodyPublishers.ofString(perEvent("GTM-B")))
                .header("Authorization", "Bearer " + key), Topic.EVENTS);
    }

    @Test
    void charsetParameterIsAccepted() throws Exception {
        acceptedOnce(post(key, perEvent("GTM-C")).setHeader("Content-Type", "application/json; charset=utf-8"),
                Topic.EVENTS);
    }

    @Test
    void gzipBodiesAreDecodedAndWrittenAsJson() throws Exception {
        byte[] json = seed("per-event.json");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json);
        }
        ConsumerRecord<byte[], byte[]> record = acceptedOnce(edge.post(key,
                HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).header("Content-Encoding", "gzip"), Topic.EVENTS);
        assertArrayEquals(json, record.value());
    }

    @Test
    void ingestIdsAreUniqueAndTimeOrdered() throws Exception {
        Map<TopicPartition, Long> before = topics.endOffsets();
        for (int i = 0; i < 5; i++) {
            assertOk(edge.ingest(key, perEvent("GTM-ORDER").getBytes(StandardCharsets.UTF_8)));
        }
        List<String> ids = topics.since(before).stream().map(r -> header(r, IngestHeaders.INGEST_ID)).toList();
        assertEquals(5, ids.size());
        assertEquals(ids.stream().sorted().toList(), ids, "UUIDv7 ids sort in arrival order within a partition");
        assertEquals(5, ids.stream().distinct().count());
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsAccepted() throws Exception {
        String json = perEvent("GTM-BIG");
        String padded = json + " ".repeat(ONE_MIB - json.length());
        acceptedOnce(post(key, padded), Topic.EVENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json", "", "{\"container_id\":\"G\"", "[]",
            "{\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":\"1\",\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"broken\"}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":-1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1.5,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":-3}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":0.5}]}",
            "{\"container_id\":\"G\",\"batch\":true,\"window_start_ms\":1,\"total_events\":1,\"tag_metrics\":{}}",
    })
    void invalidPayloadsAre400(String body) throws Exception {
        assertError(400, "invalid_payload", refused(post(key, body)));
    }

    @Test
    void aTimestampMoreThanTheSkewAheadOfTheServersClockIs400NamingFieldValueAndServerTime() throws Exception {
        long future = System.currentTimeMillis() + 11 * 60_000;
        HttpResponse<String> response = refused(post(key, perEvent("GTM-FUTURE")
                .replace("1708790401000", Long.toString(future))));
        assertError(400, "invalid_payload", response);
        String message = JSON.readTree(response.body()).get("message").asText();
        assertTrue(message.startsWith("$.timestamp_ms: " + Instant.ofEpochMilli(future) + " is more than 600 s ahead"
                + " of the receiving server's clock (20"), message);

        assertError(400, "invalid_payload", refused(post(key, perEvent("GTM-FUTURE")
                .replace("1708790401000", "253402300799000"))));   // year 9999, within the schema
    }

    @Test
    void aBatchWhoseWindowEndsInTheFutureIs400AndTheContractsPastExamplesStay200() throws Exception {
        String batch = new String(seed("batched.json"), StandardCharsets.UTF_8);
        long future = System.currentTimeMillis() + 3_600_000;
        String endInFuture = batch.replaceFirst("\"window_end_ms\":\\s*\\d+", "\"window_end_ms\": " + future);
        HttpResponse<String> response = refused(post(key, endInFuture));
        assertError(400, "invalid_payload", response);
        assertTrue(response.body().contains("window_end_ms"), response.body());

        acceptedOnce(edge.post(key, HttpRequest.BodyPublishers.ofByteArray(seed("batched.json"))), Topic.BATCHES);
        acceptedOnce(edge.post(key, HttpRequest.BodyPublishers.ofByteArray(seed("per-event.json"))), Topic.EVENTS);
        // within the skew: a tag clock a few minutes ahead is still accepted
        acceptedOnce(post(key, perEvent("GTM-AHEAD").replace("1708790401000",
                Long.toString(System.currentTimeMillis() + 5 * 60_000))), Topic.EVENTS);
    }

    @Test
    void aContentTypeOtherThanJsonIs400() throws Exception {
        assertError(400, "invalid_payload", refused(post(key, perEvent("GTM-A")).setHeader("Content-Type", "text/plain")));
    }

    @Test
    void aMissingKeyIs401() throws Exception {
        assertError(401, "unauthorized", refused(post(null, perEvent("GTM-A"))));
    }

    @Test
    void anUnknownKeyIs401() throws Exception {
        assertError(401, "unauthorized", refused(post(KeyCodec.forIngestKeys().newKey(), perEvent("GTM-A"))));
        assertError(401, "unauthorized", refused(post("pk_live_abc123", perEvent("GTM-A"))));
    }

    @Test
    void aRevokedKeyIs403() throws Exception {
        String revoked = keys.add("shop");
        keys.revoke(revoked);
        Poll.until("revocation loaded", () -> status(post(revoked, "{}")) == 403);
        assertError(403, "forbidden", refused(post(revoked, perEvent("GTM-A"))));
    }

    @Test
    void aKeyOfADisabledSiteIs403() throws Exception {
        String siteKey = keys.add("closed-site");
        keys.disableSite("closed-site");
        Poll.until("site disabled", () -> status(post(siteKey, "{}")) == 403);
        assertError(403, "forbidden", refused(post(siteKey, perEvent("GTM-A"))));
    }

    @Test
    void aContainerTheKeyMayNotPostForIs403() throws Exception {
        assertError(403, "forbidden", refused(post(restrictedKey, perEvent("GTM-OTHER"))));
        acceptedOnce(post(restrictedKey, perEvent("GTM-ALLOWED")), Topic.EVENTS);
    }

    @Test
    void aKeyAddedWhileRunningWorksWithoutRestart() throws Exception {
        String fresh = keys.add("new-site");
        Poll.until("new key loaded", () -> status(post(fresh, "{}")) == 400);
        acceptedOnce(post(fresh, perEvent("GTM-NEW")), Topic.EVENTS);
    }

    @Test
    void aBodyAboveOneMebibyteWithContentLengthIs413() throws Exception {
        String json = perEvent("GTM-BIG");
        assertError(413, "payload_too_large", refused(post(key, json + " ".repeat(ONE_MIB + 1 - json.length()))));
    }

    @Test
    void aChunkedBodyAboveOneMebibyteIs413() throws Exception {
        String json = perEvent("GTM-BIG");
        byte[] big = (json + " ".repeat(2 * ONE_MIB)).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder chunked = edge.post(key, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertError(413, "payload_too_large", refused(chunked));
    }

    @Test
    void aGzipBodyDecodingAboveOneMebibyteIs413() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(perEvent("GTM-BOMB").getBytes(StandardCharsets.UTF_8));
            out.write(new byte[ONE_MIB]);
        }
        assertError(413, "payload_too_large", refused(edge.post(key,
                HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).header("Content-Encoding", "gzip")));
    }

    @Test
    void exceedingTheKeyRateIs429WithRetryAfter() throws Exception {
        String slow = keys.add("slow-site", null, 0.01, 1);
        Poll.until("slow key loaded", () -> status(post(slow, perEvent("GTM-SLOW"))) != 401);
        HttpResponse<String> limited = refused(post(slow, perEvent("GTM-SLOW")));
        assertError(429, "rate_limited", limited);
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 100, "Retry-After " + retryAfter);
    }

    @Test
    void wrongMethodsAndPathsAreRefusedWithoutAskingForAKey() throws Exception {
        assertEquals(405, edge.get("/ingest").statusCode());
        assertEquals(404, edge.send(post(key, perEvent("GTM-A")).uri(java.net.URI.create(
                "http://127.0.0.1:" + app.port() + "/ingestx"))).statusCode());
    }

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        assertEquals(200, edge.get("/healthz").statusCode());
        assertEquals(200, edge.get("/readyz").statusCode());
        edge.ingest(key, perEvent("GTM-M").getBytes(StandardCharsets.UTF_8));
        String metrics = edge.get("/metrics").body();
        assertTrue(metrics.contains("probr_edge_requests_total{path=\"/ingest\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "the JVM's own metrics");
        assertTrue(metrics.contains("probr_edge_publish_seconds_count"), metrics);
        assertTrue(metrics.contains("probr_edge_kafka_errors_total"), metrics);
        // the producer's view: one request answered, so its latency maximum is a number above zero
        Matcher latency = Pattern.compile("(?m)^probr_edge_kafka_request_latency_max_seconds ([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(latency.find(), metrics);
        assertTrue(Double.parseDouble(latency.group(1)) > 0, metrics);
        assertTrue(metrics.contains("probr_edge_kafka_requests_in_flight "), metrics);
        assertTrue(metrics.contains("probr_edge_kafka_record_queue_time_max_seconds "), metrics);
    }

    private int status(HttpRequest.Builder request) {
        try {
            return edge.send(request).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
