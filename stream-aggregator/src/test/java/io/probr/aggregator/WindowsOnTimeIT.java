package io.probr.aggregator;

import static io.probr.aggregator.LiveTopics.GRACE;
import static io.probr.aggregator.LiveTopics.SIZE;
import static io.probr.aggregator.LiveTopics.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Windows close on the clock, and untrusted times stay out, against the real broker. */
@ExtendWith(SharedKafkaBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WindowsOnTimeIT {
    private static final long YEAR_2126 = 4_922_899_200_000L;

    private LiveTopics topics;
    private AggregatorApp app;

    @BeforeAll
    void start(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        topics = new LiveTopics(broker.bootstrapServers());
        app = new AggregatorApp(topics.config("windows-on-time-it", dir));
        Poll.until("aggregator ready", Duration.ofSeconds(60), app::isReady);
    }

    @AfterAll
    void stop() {
        app.close();
        topics.close();
    }

    @Test
    void oneEventThenSilenceIsAFinalWindowWithinGracePlusTenSeconds() throws Exception {
        String container = "GTM-QUIET-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        topics.sendEvent(null, container, now, true);
        long windowEnd = Math.floorDiv(now, SIZE) * SIZE + SIZE;

        ConsumerRecord<byte[], byte[]> window = topics.await(Topic.WINDOWS, 1,
                Duration.ofMillis(windowEnd + GRACE + 10_000 - System.currentTimeMillis()),
                r -> key(r).equals(container)).get(0);
        long readableAt = System.currentTimeMillis();
        assertEquals(WindowHeaders.FINAL_PART, IngestHeaders.read(window.headers(), WindowHeaders.WINDOW_PART));
        assertEquals(1, ProbrJson.newMapper().readValue(window.value(), BatchedPayload.class).totalEvents());
        System.out.printf("quiet container: window end + grace -> final window readable: %d ms%n",
                readableAt - (windowEnd + GRACE));
    }

    @Test
    void futureStampedRecordsWrittenStraightToTheTopicGoToTheDlqAndLeaveOthersFinal() throws Exception {
        String broken = "GTM-BROKEN-" + UUID.randomUUID();
        topics.sendEvent(0, broken, YEAR_2126, true);            // as an older edge would have written it
        topics.sendEvent(0, broken, 253402300799000L, false);    // another producer: no edge headers
        List<String> healthy = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            healthy.add("GTM-HEALTHY-" + i + "-" + UUID.randomUUID());
            topics.sendEvent(0, healthy.get(i), now, true);      // the partition the broken ones are on
        }

        List<ConsumerRecord<byte[], byte[]>> dead = topics.await(Topic.DLQ, 2, r -> key(r).equals(broken));
        dead.forEach(r -> assertEquals("future_timestamp", IngestHeaders.read(r.headers(), DlqHeaders.REASON_CODE)));
        List<ConsumerRecord<byte[], byte[]>> windows = topics.await(Topic.WINDOWS, 3, r -> healthy.contains(key(r)));
        windows.forEach(r -> assertEquals(WindowHeaders.FINAL_PART,
                IngestHeaders.read(r.headers(), WindowHeaders.WINDOW_PART), "late part for " + key(r)));
        assertTrue(LiveTopics.get(app, "/metrics").body()
                .contains("probr_aggregator_dlq_records_total{reason=\"future_timestamp\"}"));
    }

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        assertEquals(200, LiveTopics.get(app, "/healthz").statusCode());
        assertEquals(200, LiveTopics.get(app, "/readyz").statusCode());
        String metrics = LiveTopics.get(app, "/metrics").body();
        for (String name : List.of("probr_aggregator_events_total", "probr_aggregator_windows_emitted_total",
                "probr_aggregator_stream_time_behind_seconds", "probr_aggregator_consumer_lag",
                "probr_aggregator_restore_remaining_records", "jvm_memory_used_bytes", "jvm_threads_current")) {
            assertTrue(metrics.contains(name), name + " missing from /metrics");
        }
    }
}
