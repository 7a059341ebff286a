package io.probr.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.metrics.AggregatorMetrics;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.WindowAccumulator;
import io.probr.schemas.window.WindowSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowTopologyTest {
    private static final long MINUTE = 60_000;
    private static final long GRACE = 10_000;
    private static final long T0 = 1708790400000L; // a window start: the seed's timestamp
    /** The drivers' wall clock at start, and when the test's records arrived: a day after the seed's events. */
    private static final long WALL0 = T0 + 24 * 60 * MINUTE;
    private static final long SKEW = 600_000;
    private static final long YEAR_2126 = 4_922_899_200_000L;
    private static final ObjectMapper JSON = ProbrJson.newMapper();

    @TempDir
    Path stateDirs;
    private TopologyTestDriver driver;
    /** The driver's wall clock. */
    private long wallNow;
    private AggregatorMetrics metrics;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], byte[]> windows;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() throws IOException {
        driver = newDriver();
        events = driver.createInputTopic(Topic.EVENTS.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        windows = driver.createOutputTopic(Topic.WINDOWS.topicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topic.DLQ.topicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Each driver with a state directory of its own: a restarted one must start empty. */
    private TopologyTestDriver newDriver() throws IOException {
        AggregatorConfig config = AggregatorConfig.fromEnv(Map.of(
                "PROBR_WINDOW_SIZE_MS", Long.toString(MINUTE), "PROBR_WINDOW_GRACE_MS", Long.toString(GRACE),
                "PROBR_AGGREGATOR_STATE_DIR", Files.createTempDirectory(stateDirs, "driver").toString()));
        metrics = new AggregatorMetrics();
        wallNow = WALL0;
        return new TopologyTestDriver(WindowTopology.build(config, metrics), WindowTopology.streamsConfig(config),
                Instant.ofEpochMilli(WALL0));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static String seed(String name) throws IOException {
        try (InputStream in = WindowTopologyTest.class.getResourceAsStream("/examples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String event(String container, String eventName, long timestampMs, String tags) {
        return "{\"container_id\":\"" + container + "\",\"event_name\":\"" + eventName + "\",\"timestamp_ms\":"
                + timestampMs + ",\"tags\":[" + tags + "]}";
    }

    private void pipe(String container, String json) {
        pipe(container, json, UUID.randomUUID());
    }

    /**
     * As the edge writes it, received when it was stamped (a tag with a true clock, the edge on time), or now when
     * stamped later.
     */
    private void pipe(String container, String json, UUID ingestId) {
        Matcher stamp = TIMESTAMP.matcher(json);
        long arrival = stamp.find() ? Math.min(Long.parseLong(stamp.group(1)), wallNow) : wallNow;
        pipe(container, json, ingestId, arrival);
    }

    private void pipe(String container, String json, UUID ingestId, long arrivalMs) {
        ProducerRecord<byte[], byte[]> record = new IngestMetadata(ingestId, arrivalMs, "pk_test", "test")
                .record(Topic.EVENTS, container, json.getBytes(StandardCharsets.UTF_8));
        events.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), arrivalMs));
    }

    private void advanceWall(long ms) {
        driver.advanceWallClockTime(Duration.ofMillis(ms));
        wallNow += ms;
    }

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp_ms\"\\s*:\\s*(\\d+)");

    private static UUID ingestId(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    /** An event on another container far enough ahead to close every window before {@code timeMs}. */
    private void advanceStreamTimeTo(long timeMs) {
        pipe("GTM-CLOCK", event("GTM-CLOCK", "tick", timeMs, ""));
    }

    private List<TestRecord<byte[], byte[]>> windowRecords() {
        return windows.readRecordsToList().stream()
                .filter(r -> !new String(r.key(), StandardCharsets.UTF_8).equals("GTM-CLOCK"))
                .toList();
    }

    private static BatchedPayload payload(TestRecord<byte[], byte[]> record) {
        try {
            return JSON.readValue(record.value(), BatchedPayload.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return IngestHeaders.read(record.headers(), name);
    }

    @Test
    void seedEventsMakeTheHandWrittenBatchedWindowFieldByField() throws Exception {
        String purchase = seed("per-event.json");                       // t0, purchase, GA4 success 120, Meta failure 5000
        String pageView = seed("per-event-minimal.json");              // t0+1s, page_view, tag 15 timeout, no name
        pipe("GTM-ABC123", purchase);
        pipe("GTM-ABC123", pageView);
        pipe("GTM-ABC123", purchase.replace("1708790400000", "1708790459999").replace("\"failure\"", "\"exception\""));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);

        List<TestRecord<byte[], byte[]>> out = windowRecords();
        assertEquals(1, out.size());
        assertEquals(WindowHeaders.FINAL_PART, header(out.get(0), WindowHeaders.WINDOW_PART));
        assertEquals("GTM-ABC123", new String(out.get(0).key(), StandardCharsets.UTF_8));
        JsonNode expected = JSON.readTree("""
                {
                  "container_id": "GTM-ABC123", "batch": true,
                  "window_start_ms": 1708790400000, "window_end_ms": 1708790460000,
                  "total_events": 3,
                  "event_counts": {"purchase": 2, "page_view": 1},
                  "tag_metrics": {
                    "GA4 - Event": {"success": 2, "failure": 0, "timeout": 0, "exception": 0, "total_exec_ms": 240, "count": 2},
                    "Meta CAPI": {"success": 0, "failure": 1, "timeout": 0, "exception": 1, "total_exec_ms": 10000, "count": 2},
                    "15": {"success": 0, "failure": 0, "timeout": 1, "exception": 0, "total_exec_ms": 0, "count": 1}
                  },
                  "user_data_quality": {"email": 2, "phone": 0, "address": 2, "total": 3},
                  "ecommerce_quality": {"value": 2, "currency": 2, "transaction_id": 2, "items": 2, "total": 2}
                }""");
        JsonNode actual = JSON.readTree(out.get(0).value());
        assertEquals(expected, actual);
        assertEquals(List.of(), new PayloadValidator().batchedSchemaErrors(actual));
    }

    @Test
    void windowsAreStartInclusiveEndExclusive() {
        pipe("GTM-A", event("GTM-A", "e", T0, ""));
        pipe("GTM-A", event("GTM-A", "e", T0 + MINUTE - 1, ""));
        pipe("GTM-A", event("GTM-A", "e", T0 + MINUTE, ""));
        advanceStreamTimeTo(T0 + 2 * MINUTE + GRACE);
        List<BatchedPayload> out = windowRecords().stream().map(WindowTopologyTest::payload).toList();
        assertEquals(2, out.size());
        assertEquals(T0, out.get(0).windowStartMs());
        assertEquals(T0 + MINUTE, out.get(0).windowEndMs());
        assertEquals(2, out.get(0).totalEvents());
        assertEquals(T0 + MINUTE, out.get(1).windowStartMs());
        assertEquals(1, out.get(1).totalEvents());
    }

    @Test
    void aWindowIsEmittedOnceWhenStreamTimePassesEndPlusGraceAndNotBefore() {
        pipe("GTM-A", event("GTM-A", "e", T0, ""));
        advanceStreamTimeTo(T0 + MINUTE + GRACE - 1);
        assertEquals(List.of(), windowRecords());
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        assertEquals(1, windowRecords().size());
        advanceStreamTimeTo(T0 + 5 * MINUTE);
        assertEquals(List.of(), windowRecords(), "a closed window is never emitted again");
    }

    @Test
    void containersHaveSeparateWindows() {
        pipe("GTM-A", event("GTM-A", "e", T0 + 1, ""));
        pipe("GTM-B", event("GTM-B", "e", T0 + 2, ""));
        pipe("GTM-B", event("GTM-B", "e", T0 + 3, ""));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        Map<String, Long> totals = new HashMap<>();
        windowRecords().forEach(r -> totals.put(payload(r).containerId(), payload(r).totalEvents()));
        assertEquals(Map.of("GTM-A", 1L, "GTM-B", 2L), totals);
    }

    @Test
    void outOfOrderEventsWithinTheGraceCountInTheirWindow() {
        pipe("GTM-A", event("GTM-A", "e", T0 + MINUTE + 5_000, ""));  // next window, advances stream time
        pipe("GTM-A", event("GTM-A", "e", T0 + 30_000, ""));          // older, but end + grace not reached
        advanceStreamTimeTo(T0 + 2 * MINUTE + GRACE);
        List<BatchedPayload> out = windowRecords().stream().map(WindowTopologyTest::payload).toList();
        assertEquals(List.of(1L, 1L), out.stream().map(BatchedPayload::totalEvents).toList());
        assertEquals(T0, out.get(0).windowStartMs());
        assertEquals(0, metrics.lateEvents());
    }

    @Test
    void anEventBeyondTheGraceIsEmittedAsACorrectionAndCounted() {
        pipe("GTM-A", event("GTM-A", "e", T0, "{\"id\":\"1\",\"status\":\"success\",\"execution_time\":7}"));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        assertEquals(1, windowRecords().size());
        pipe("GTM-A", event("GTM-A", "late", T0 + 1, "{\"id\":\"1\",\"status\":\"failure\"}"), ingestId("late-1"));

        List<TestRecord<byte[], byte[]>> out = windowRecords();
        assertEquals(1, out.size());
        assertEquals("late-" + ingestId("late-1"), header(out.get(0), WindowHeaders.WINDOW_PART));
        BatchedPayload correction = payload(out.get(0));
        assertEquals(T0, correction.windowStartMs());
        assertEquals(1, correction.totalEvents());
        assertEquals(new BatchedPayload.TagMetrics(0, 1, 0, 0, 0, 1), correction.tagMetrics().get("1"));
        assertEquals(1, metrics.lateEvents());
    }

    @Test
    void eventsWithoutUserDataOrEcommerceCountOnlyWhereTheyShould() {
        pipe("GTM-A", event("GTM-A", "page_view", T0, ""));
        pipe("GTM-A", event("GTM-A", "purchase", T0 + 1, "").replace("\"tags\":[]", "\"tags\":[],\"ecommerce\":{\"has_value\":true}"));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        BatchedPayload window = payload(windowRecords().get(0));
        assertEquals(new BatchedPayload.UserDataQuality(0, 0, 0, 2), window.userDataQuality());
        assertEquals(new BatchedPayload.EcommerceQuality(1, 0, 0, 0, 1), window.ecommerceQuality());
    }

    @Test
    void addressNeedsFirstNameLastNameAndCountry() {
        String base = event("GTM-A", "e", T0, "");
        pipe("GTM-A", base.replace("\"tags\":[]", "\"tags\":[],\"user_data\":{\"has_first_name\":true,\"has_last_name\":true,\"has_country\":true}"));
        pipe("GTM-A", base.replace("\"tags\":[]", "\"tags\":[],\"user_data\":{\"has_first_name\":true,\"has_last_name\":true,\"has_city\":true}"));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        assertEquals(new BatchedPayload.UserDataQuality(0, 0, 1, 2), payload(windowRecords().get(0)).userDataQuality());
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
        pipe("GTM-A", event("GTM-A", "e", T0, "{\"id\":\"9\",\"status\":\"success\",\"vendor\":\"x\"}")
                .replace("{\"container_id\"", "{\"future_field\":{\"a\":1},\"container_id\""));
        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        assertEquals(1, payload(windowRecords().get(0)).tagMetrics().get("9").count());
    }

    @Test
    void aMalformedRecordGoesToTheDlqWithItsReasonAndProcessingGoesOn() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(IngestHeaders.INGEST_ID, "abc".getBytes(StandardCharsets.UTF_8));
        events.pipeInput(new TestRecord<>("GTM-A".getBytes(StandardCharsets.UTF_8),
                "{not json".getBytes(StandardCharsets.UTF_8), headers, WALL0));
        pipe("GTM-B", event("GTM-A", "e", T0, ""));   // key does not match container_id
        pipe("GTM-A", event("GTM-A", "e", T0, ""));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(2, dead.size());
        assertEquals("{not json", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        assertTrue(header(dead.get(0), DlqHeaders.REASON).startsWith("malformed JSON"));
        assertEquals("abc", header(dead.get(0), IngestHeaders.INGEST_ID), "original headers are kept");
        assertEquals(Topic.EVENTS.topicName(), header(dead.get(0), DlqHeaders.SOURCE_TOPIC));
        assertEquals("0", header(dead.get(0), DlqHeaders.SOURCE_OFFSET));
        assertEquals("stream-aggregator", header(dead.get(0), DlqHeaders.FAILED_BY));
        assertTrue(header(dead.get(1), DlqHeaders.REASON).contains("key does not match"));

        advanceStreamTimeTo(T0 + MINUTE + GRACE);
        assertEquals(1, payload(windowRecords().get(0)).totalEvents());
    }

    @Test
    void aFarFutureRecordGoesToTheDlqAndLeavesTheOtherContainersWindowsFinal() {
        Headers edge = new RecordHeaders().add(IngestHeaders.RECEIVED_AT_MS,
                Long.toString(WALL0).getBytes(StandardCharsets.UTF_8));
        events.pipeInput(new TestRecord<>("GTM-BROKEN".getBytes(StandardCharsets.UTF_8),
                event("GTM-BROKEN", "e", YEAR_2126, "").getBytes(StandardCharsets.UTF_8), edge, WALL0));
        // another producer: no edge headers, the record's own timestamp is its arrival
        events.pipeInput(new TestRecord<>("GTM-BROKEN".getBytes(StandardCharsets.UTF_8),
                event("GTM-BROKEN", "e", 253402300799000L, "").getBytes(StandardCharsets.UTF_8), new RecordHeaders(),
                WALL0));
        for (String container : List.of("GTM-A", "GTM-B", "GTM-C")) {
            pipe(container, event(container, "e", T0 + 1_000, ""));
        }
        advanceStreamTimeTo(T0 + MINUTE + GRACE);

        List<TestRecord<byte[], byte[]>> out = windowRecords();
        assertEquals(List.of("GTM-A", "GTM-B", "GTM-C"), out.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).sorted().toList());
        out.forEach(r -> assertEquals(WindowHeaders.FINAL_PART, header(r, WindowHeaders.WINDOW_PART)));
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(2, dead.size());
        dead.forEach(r -> assertEquals("future_timestamp", header(r, DlqHeaders.REASON_CODE)));
        assertTrue(header(dead.get(0), DlqHeaders.REASON).startsWith("$.timestamp_ms: 2126-01-01T00:00:00Z is more than"),
                header(dead.get(0), DlqHeaders.REASON));
        assertEquals(2, metrics.deadLetters(DeadLetterReason.FUTURE_TIMESTAMP));
        assertEquals(0, metrics.lateEvents());
    }

    @Test
    void anEventWithinTheSkewIsTrustedAndOneBeyondItIsNot() {
        pipe("GTM-A", event("GTM-A", "e", WALL0 + SKEW, ""));
        pipe("GTM-A", event("GTM-A", "e", WALL0 + SKEW + 1, ""));
        assertEquals(1, dlq.readRecordsToList().size());
        advanceWall(SKEW + MINUTE + GRACE);   // until the clock reaches it: a clock event would be beyond the skew
        assertEquals(1, payload(windowRecords().get(0)).totalEvents());
    }

    @Test
    void theWallClockAloneClosesTheWindowOfAQuietContainer() {
        long start = spec().startOf(WALL0);
        pipe("GTM-QUIET", event("GTM-QUIET", "e", WALL0, ""));
        long closesIn = start + MINUTE + GRACE - WALL0;
        advanceWall(closesIn - 1_000);
        assertEquals(List.of(), windowRecords(), "closed before its end + grace");
        advanceWall(1_000);

        List<TestRecord<byte[], byte[]>> out = windowRecords();
        assertEquals(1, out.size());
        assertEquals(WindowHeaders.FINAL_PART, header(out.get(0), WindowHeaders.WINDOW_PART));
        assertEquals(start, payload(out.get(0)).windowStartMs());
        assertEquals(1, payload(out.get(0)).totalEvents());
    }

    @Test
    void aTagClockAheadWithinTheSkewDelaysOthersOnlyUntilRealTimeCatchesUp() {
        pipe("GTM-AHEAD", event("GTM-AHEAD", "e", WALL0 + 5 * MINUTE, ""));   // five minutes fast: trusted
        advanceWall(10 * MINUTE);
        long now = WALL0 + 10 * MINUTE;
        pipe("GTM-A", event("GTM-A", "e", now, ""));
        advanceWall(2 * MINUTE);

        List<TestRecord<byte[], byte[]>> out = windowRecords().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("GTM-A")).toList();
        assertEquals(1, out.size());
        assertEquals(WindowHeaders.FINAL_PART, header(out.get(0), WindowHeaders.WINDOW_PART));
        assertEquals(0, metrics.lateEvents());
    }

    @Test
    void aBacklogReadLateAndWithAStallIsWindowedByArrivalNotTurnedIntoCorrections() {
        long backlogStart = WALL0 - 10 * MINUTE;   // arrived while the aggregator was down
        for (int i = 0; i < 240; i++) {
            long stamp = backlogStart + i * 1_000L;
            pipe("GTM-A", event("GTM-A", "e", stamp, ""), UUID.randomUUID(), stamp);
            if (i == 100) {
                advanceWall(3 * GRACE);   // the thread stalls in the middle of the backlog
            }
        }
        assertEquals(0, metrics.lateEvents());
        advanceStreamTimeTo(backlogStart + 240_000 + MINUTE + GRACE);
        List<BatchedPayload> out = windowRecords().stream().map(WindowTopologyTest::payload).toList();
        assertEquals(240, out.stream().mapToLong(BatchedPayload::totalEvents).sum());
        assertEquals(0, metrics.lateEvents());
    }

    @Test
    void aStreamTimeStoredBeyondTheClockByOlderCodeIsResetOnce() throws IOException {
        // the state the old code left: stream time in 2126 and that event's window still open
        KeyValueStore<String, Long> streamTime = driver.getKeyValueStore(WindowTopology.STREAM_TIME_STORE);
        KeyValueStore<String, byte[]> open = driver.getKeyValueStore(WindowTopology.OPEN_WINDOWS_STORE);
        streamTime.put("stream-time", YEAR_2126);
        long poisonedStart = spec().startOf(YEAR_2126);
        BatchedPayload poisoned = WindowAccumulator.add(WindowAccumulator.empty("GTM-BROKEN", poisonedStart,
                poisonedStart + MINUTE), perEvent(event("GTM-BROKEN", "e", YEAR_2126, "")));
        open.put(WindowProcessor.windowKey(poisonedStart, "GTM-BROKEN"), JSON.writeValueAsBytes(poisoned));

        // the window in progress at the repair counts as closed (the old state closed it): the next one is final
        pipe("GTM-A", event("GTM-A", "e", WALL0 + MINUTE, ""));
        advanceWall(2 * MINUTE + GRACE);

        List<TestRecord<byte[], byte[]>> out = windowRecords();
        assertEquals(1, out.size());
        assertEquals(WindowHeaders.FINAL_PART, header(out.get(0), WindowHeaders.WINDOW_PART));
        assertEquals("GTM-A", new String(out.get(0).key(), StandardCharsets.UTF_8));
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals("untrusted_window", header(dead.get(0), DlqHeaders.REASON_CODE));
        assertEquals(poisoned, payload(dead.get(0)));
        assertEquals(WALL0 + MINUTE, streamTime.get("stream-time"), "reset to the clock, then moved by the event");
        assertEquals(spec().startOf(WALL0 + MINUTE), streamTime.get("closed-through"));
        assertEquals(null, open.get(WindowProcessor.windowKey(poisonedStart, "GTM-BROKEN")));
    }

    private static PerEventPayload perEvent(String json) {
        return ((ParsedPayload.PerEvent) new PayloadValidator().parse(json.getBytes(StandardCharsets.UTF_8))).payload();
    }

    private static WindowSpec spec() {
        return new WindowSpec(MINUTE, GRACE);
    }

    /** The invariant: for every container and window, the parts sum to the raw events, late ones included. */
    @Test
    void windowPartsSumToTheRawEventsWithShuffledAndLateEvents() {
        Random random = new Random(42);
        Map<String, Long> rawEvents = new HashMap<>();
        Map<String, Long> rawFailures = new HashMap<>();
        long clock = T0;
        for (int i = 0; i < 2_000; i++) {
            clock += random.nextInt(500);
            if (i % 100 == 50) {   // a broken tag clock: refused, counted nowhere, moves nothing
                pipe("GTM-FUTURE", event("GTM-FUTURE", "e", WALL0 + SKEW + 1 + random.nextInt(1_000_000_000), ""));
            }
            if (i % 200 == 150) {  // a quiet moment: the wall clock closes windows too
                advanceWall(random.nextInt(3_000));
            }
            long skew = random.nextInt(10) == 0 ? random.nextInt(120_000) : random.nextInt(5_000);
            long ts = Math.max(0, clock - skew);
            String container = "GTM-" + random.nextInt(4);
            boolean failure = random.nextBoolean();
            pipe(container, event(container, "e" + random.nextInt(3), ts,
                    "{\"id\":\"7\",\"status\":\"" + (failure ? "failure" : "success") + "\"}"));
            String window = container + "@" + Math.floorDiv(ts, MINUTE) * MINUTE;
            rawEvents.merge(window, 1L, Long::sum);
            rawFailures.merge(window, failure ? 1L : 0L, Long::sum);
        }
        advanceStreamTimeTo(clock + 10 * MINUTE);

        Map<String, Long> windowEvents = new HashMap<>();
        Map<String, Long> windowFailures = new HashMap<>();
        long late = 0;
        for (TestRecord<byte[], byte[]> record : windowRecords()) {
            BatchedPayload w = payload(record);
            String window = w.containerId() + "@" + w.windowStartMs();
            windowEvents.merge(window, w.totalEvents(), Long::sum);
            windowFailures.merge(window, w.tagMetrics().get("7").failure(), Long::sum);
            late += header(record, WindowHeaders.WINDOW_PART).startsWith(WindowHeaders.LATE_PART_PREFIX) ? 1 : 0;
        }
        assertTrue(late > 0, "the input should contain late events");
        assertEquals(rawEvents, windowEvents);
        assertEquals(rawFailures, windowFailures);
        assertEquals(20, dlq.readRecordsToList().size());
    }

    @Test
    void reRunningOverTheSameInputGivesTheSameWindowsAndIdentities() throws IOException {
        List<String> first = runScript(this);
        driver.close();
        start();
        List<String> second = runScript(this);
        assertEquals(first, second);
        assertTrue(first.size() >= 3);
    }

    private static List<String> runScript(WindowTopologyTest t) {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            long ts = T0 + random.nextInt(5 * (int) MINUTE);
            t.pipe("GTM-A", event("GTM-A", "e", ts, ""), ingestId("id-" + i));
        }
        t.advanceStreamTimeTo(T0 + 20 * MINUTE);
        List<String> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : t.windowRecords()) {
            out.add(header(r, WindowHeaders.WINDOW_PART) + " " + new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
