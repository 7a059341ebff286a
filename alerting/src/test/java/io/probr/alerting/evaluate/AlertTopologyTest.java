package io.probr.alerting.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.alerting.AlertTransition;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertTopologyTest {
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final String CONTAINER = "GTM-ABC123";
    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-12-03T10:00:00Z").toEpochMilli();

    private final AtomicLong wall = new AtomicLong(T0);
    private final List<Trigger> triggers = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> windows;
    private TestInputTopic<byte[], byte[]> batches;
    private TestOutputTopic<byte[], byte[]> alerts;

    @TempDir
    Path state;

    private void start() {
        TriggerSource source = new TriggerSource() {
            @Override
            public List<Trigger> all() {
                return triggers;
            }

            @Override
            public Optional<Trigger> byId(String id) {
                return triggers.stream().filter(t -> t.id().equals(id)).findFirst();
            }

            @Override
            public boolean siteHasContainer(String siteId, String containerId) {
                return siteId.equals("shop-fr") && containerId.equals(CONTAINER);
            }
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alert-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(AlertTopology.build(source, 1000, wall::get), props, Instant.ofEpochMilli(T0));
        windows = driver.createInputTopic(Topic.WINDOWS.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        batches = driver.createInputTopic(Topic.BATCHES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(Topic.ALERTS.topicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static Trigger trigger(String id, String conditions, String tag, String container) throws Exception {
        return new Trigger(id, "t " + id, null, "shop-fr", container, tag, JSON.readTree(conditions),
                List.of(new Trigger.Action("webhook", "wh_1")), true, "x", "x", 1);
    }

    /** A closed stream window of one minute with, for tag CAPI, {@code ok} successes and {@code failed} failures. */
    private void window(int minute, long ok, long failed) throws Exception {
        long start = T0 + minute * MINUTE;
        BatchedPayload payload = new BatchedPayload(CONTAINER, true, start, start + MINUTE, ok + failed,
                Map.of("purchase", ok + failed), Map.of("CAPI", new BatchedPayload.TagMetrics(ok, failed, 0, 0,
                100 * (ok + failed), ok + failed)), new BatchedPayload.UserDataQuality(ok, 0, 0, ok + failed), null);
        RecordHeaders headers = new RecordHeaders();
        headers.add(WindowHeaders.WINDOW_PART, WindowHeaders.FINAL_PART.getBytes(StandardCharsets.UTF_8));
        wall.set(start + MINUTE + 30_000);
        windows.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(CONTAINER.getBytes(StandardCharsets.UTF_8),
                JSON.writeValueAsBytes(payload), headers, start));
    }

    @Test
    void aBusyContainerIsKeptAsOneSmallEntryPerWindowForTwoDays() throws Exception {
        // one record per container held two days of windows: 2 MB for 5 tags, past Kafka's record limit
        triggers.add(trigger("tr_rate", "{\"failure_rate\": {\"greater_than\": 0.5}, \"min_executions\": 3,"
                + " \"period\": \"5m\"}", "CAPI", CONTAINER));
        start();
        Map<String, BatchedPayload.TagMetrics> tags = new java.util.HashMap<>();
        for (int t = 0; t < 20; t++) {
            tags.put("tag " + t + ": GA4 - Event", new BatchedPayload.TagMetrics(10, 0, 0, 0, 1000, 10));
        }
        for (int minute = 0; minute < 50 * 60; minute++) {
            long start = T0 + minute * MINUTE;
            wall.set(start + MINUTE + 30_000);
            windows.pipeInput(CONTAINER.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(new BatchedPayload(
                    CONTAINER, true, start, start + MINUTE, 10, Map.of("purchase", 10L), tags,
                    new BatchedPayload.UserDataQuality(10, 0, 0, 10), null)), start);
        }
        int entries = 0;
        int largest = 0;
        try (var it = driver.<String, byte[]>getKeyValueStore(AlertProcessor.WINDOW_STORE).all()) {
            while (it.hasNext()) {
                entries++;
                largest = Math.max(largest, it.next().value.length);
            }
        }
        assertEquals(48 * 60, entries, "two days of one-minute windows, the older ones dropped");
        assertTrue(largest < 4096, "one window per entry: " + largest + " bytes");
        try (var it = driver.<String, byte[]>getKeyValueStore(AlertProcessor.CONTAINER_STORE).all()) {
            assertEquals(CONTAINER, it.next().key);
            assertTrue(!it.hasNext(), "one small entry per container");
        }
        window(50 * 60, 0, 20);
        assertEquals(1, transitions().size(), "evaluated over the window entries");
    }

    private List<AlertTransition> transitions() throws Exception {
        List<AlertTransition> out = new ArrayList<>();
        for (byte[] value : alerts.readValuesToList()) {
            out.add(JSON.readValue(value, AlertTransition.class));
        }
        return out;
    }

    @Test
    void aFailingTagFiresOnceAndResolvesOnceNotOncePerWindow() throws Exception {
        triggers.add(trigger("tr_rate", "{\"failure_rate\": {\"greater_than\": 0.5}, \"min_executions\": 3, \"period\": \"5m\"}",
                "CAPI", CONTAINER));
        start();
        window(0, 10, 0);
        assertEquals(List.of(), transitions(), "healthy");
        window(1, 1, 1);
        assertEquals(List.of(), transitions(), "11 of 12 over the period: still healthy");
        window(2, 0, 20);
        List<AlertTransition> fired = transitions();
        assertEquals(1, fired.size());
        AlertTransition firing = fired.get(0);
        assertEquals("alert.firing", firing.event());
        assertEquals("CAPI", firing.tag());
        assertEquals(21 / 32.0, firing.value(), 1e-9);
        assertEquals(List.of("wh_1"), firing.webhookIds());
        window(3, 0, 20);
        window(4, 0, 20);
        assertEquals(List.of(), transitions(), "one notification per change, not one per window");
        for (int minute = 5; minute < 10; minute++) {
            window(minute, 30, 0);
        }
        List<AlertTransition> resolved = transitions();
        assertEquals(1, resolved.size(), resolved.toString());
        assertEquals("alert.resolved", resolved.get(0).event());
        assertEquals(firing.incidentId(), resolved.get(0).incidentId());
        assertEquals(firing.incidentId() + "-resolved", resolved.get(0).transitionId());
        for (int minute = 10; minute < 15; minute++) {
            window(minute, 0, 30);
        }
        List<AlertTransition> again = transitions();
        assertEquals(1, again.size(), "failing again opens a new incident");
        assertTrue(!again.get(0).incidentId().equals(firing.incidentId()), "with a new id, so a new delivery");
    }

    @Test
    void tooFewExecutionsChangeNothing() throws Exception {
        triggers.add(trigger("tr_rate", "{\"failure_rate\": {\"greater_than\": 0.5}, \"min_executions\": 3}", null,
                CONTAINER));
        start();
        window(0, 0, 2);
        assertEquals(List.of(), transitions());
        window(1, 0, 1);
        assertEquals(1, transitions().size(), "three executions: enough");
    }

    @Test
    void aSiteWideTriggerWatchesTheSitesContainersAndEveryTagOnItsOwn() throws Exception {
        triggers.add(trigger("tr_timeouts", "{\"timeouts\": {\"at_least\": 2}}", null, null));
        start();
        long start = T0;
        BatchedPayload payload = new BatchedPayload(CONTAINER, true, start, start + MINUTE, 4, Map.of("purchase", 4L),
                Map.of("GA4", new BatchedPayload.TagMetrics(2, 0, 0, 0, 10, 2),
                        "CAPI", new BatchedPayload.TagMetrics(0, 0, 2, 0, 10_000, 2)), null, null);
        wall.set(start + 2 * MINUTE);
        batches.pipeInput(CONTAINER.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(payload));
        List<AlertTransition> fired = transitions();
        assertEquals(1, fired.size(), fired.toString());
        assertEquals("CAPI", fired.get(0).tag());
        assertEquals("tr_timeouts", fired.get(0).triggerId());
    }

    @Test
    void aContainerThatFallsSilentFiresOnTheWallClockAndResolvesWhenItSpeaksAgain() throws Exception {
        triggers.add(trigger("tr_silence", "{\"no_events\": {\"for\": \"2m\"}}", null, CONTAINER));
        start();
        window(0, 5, 0);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(List.of(), transitions());
        wall.addAndGet(2 * MINUTE);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<AlertTransition> fired = transitions();
        assertEquals(1, fired.size());
        assertEquals("no_events", fired.get(0).metric());
        assertEquals(null, fired.get(0).tag());
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(List.of(), transitions(), "still silent: no repeat");
        window(3, 5, 0);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<AlertTransition> resolved = transitions();
        assertEquals(1, resolved.size());
        assertEquals("alert.resolved", resolved.get(0).event());
    }

    @Test
    void aTagThatStopsRunningIsMissingAndAnIncidentOfADeletedTriggerIsDropped() throws Exception {
        triggers.add(trigger("tr_missing", "{\"tag_missing\": true, \"period\": \"2m\"}", "CAPI", CONTAINER));
        start();
        window(0, 5, 0);
        window(1, 5, 0);
        assertEquals(List.of(), transitions());
        long start = T0 + 2 * MINUTE;
        for (int minute = 2; minute < 4; minute++) {
            BatchedPayload onlyGa4 = new BatchedPayload(CONTAINER, true, T0 + minute * MINUTE, T0 + (minute + 1) * MINUTE,
                    3, Map.of("purchase", 3L), Map.of("GA4", new BatchedPayload.TagMetrics(3, 0, 0, 0, 30, 3)), null, null);
            windows.pipeInput(CONTAINER.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(onlyGa4), start);
        }
        List<AlertTransition> fired = transitions();
        assertEquals(1, fired.size(), fired.toString());
        assertEquals("tag_missing", fired.get(0).metric());
        triggers.clear();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        triggers.add(trigger("tr_missing", "{\"tag_missing\": true, \"period\": \"2m\"}", "CAPI", CONTAINER));
        window(4, 5, 0);
        assertTrue(transitions().isEmpty(), "the incident was dropped with its trigger: nothing to resolve");
    }
}
