package io.probr.sink.replay;

import static io.probr.sink.TestRecords.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.window.EventTimeRule;
import io.probr.schemas.window.WindowSpec;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkHarness;
import io.probr.sink.TestRecords;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Windows stored with a wrong count and a 1-minute size are rebuilt from the events as 5-minute windows: the
 * range's stream rows are replaced, the tags' own batches, other containers and other times are untouched,
 * and a second rebuild changes nothing.
 */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class WindowRebuildIT {
    private static final long START = 1708790400000L;   // 2024-02-24T16:00:00Z, a multiple of 5 minutes
    private static final WindowSpec FIVE_MINUTES = new WindowSpec(300_000, 0);

    private final String suffix = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private final String rebuilt = "GTM-REBUILT" + suffix;
    private final String other = "GTM-OTHER" + suffix;
    private final String sinkGroup = "rebuild-it-" + suffix;
    private LocalKafkaBroker broker;
    private LocalClickHouse server;
    private ClickHouseHttp clickHouse;

    @BeforeEach
    void storeEventsAndWrongWindows(LocalKafkaBroker broker, LocalClickHouse server) throws Exception {
        this.broker = broker;
        this.server = server;
        this.clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        try (SinkHarness harness = new SinkHarness(broker, server)) {
            // 30 events over the 5 minutes from START, and one 5 minutes later (outside the rebuilt range)
            for (int i = 0; i <= 30; i++) {
                long time = i < 30 ? START + i * 10_000L : START + 300_000;
                for (String container : List.of(rebuilt, other)) {
                    harness.send(TestRecords.fromEdge(Topic.EVENTS, container, event(container, time), UUID.randomUUID()));
                }
            }
            // what a buggy aggregator with 1-minute windows stored: one event per window, and a late part
            for (String container : List.of(rebuilt, other)) {
                for (int minute = 0; minute < 6; minute++) {
                    harness.send(TestRecords.fromAggregator(container, window(container, START + minute * 60_000L,
                            START + (minute + 1) * 60_000L), "final"));
                }
                harness.send(TestRecords.fromAggregator(container, window(container, START, START + 60_000), "late-x"));
                harness.send(TestRecords.fromEdge(Topic.BATCHES, container, window(container, START, START + 300_000),
                        UUID.randomUUID()));
            }
            try (SinkApp sink = new SinkApp(harness.config(sinkGroup, Map.of()))) {
                Poll.until("stored", () -> harness.caughtUp(sinkGroup));
            }
        }
    }

    @Test
    void rebuildsTheRangeWithTheNewSizeAndLeavesTheRestAlone() throws Exception {
        String otherBefore = windows(other);
        StringBuilder minutes = new StringBuilder();
        for (int minute = 0; minute < 6; minute++) {
            minutes.append(START + minute * 60_000L).append('\t').append(START + (minute + 1) * 60_000L)
                    .append('\t').append(minute == 0 ? 2 : 1).append('\n');
        }
        assertEquals(minutes.toString(), streamWindowsOf(rebuilt), "before: 1-minute windows, the first with a late part");

        WindowRebuild.Summary summary = rebuild(rebuildRequest(), "no-aggregator-" + suffix);

        assertEquals(30, summary.events());
        assertEquals(1, summary.windows());
        assertEquals(0, summary.arrivedMeanwhile());
        assertEquals(3, summary.rows(), "one window row and two tag rows");
        assertEquals(5 * 3 + 1 * 3, summary.replacedRows(),
                "the 1-minute windows starting in the range (5 of them, one with a late part) and their tag rows");
        assertEquals("1708790400000\t1708790700000\t30\n1708790700000\t1708790760000\t1\n",
                streamWindowsOf(rebuilt), "one 5-minute window of 30 events; the window after the range as it was");
        assertEquals("GA4 - Event\t30\t30\t0\t3600\nMeta CAPI\t30\t0\t30\t150000\n", tagsOf(rebuilt, START));
        assertEquals(1, number("SELECT count() FROM probr.windows FINAL WHERE source = 'tag_batch'"
                + " AND container_id = '" + rebuilt + "'"), "the tags' own batch is kept");
        assertEquals(otherBefore, windows(other), "another container is not touched");

        String after = windows(rebuilt);
        rebuild(rebuildRequest(), "no-aggregator-" + suffix);
        assertEquals(after, windows(rebuilt), "a second rebuild changes nothing");
    }

    @Test
    void waitsForTheAggregatorAndChangesNothingWhenItStaysBehind() throws Exception {
        String lagging = "lagging-aggregator-" + suffix;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> atStart = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                atStart.put(new TopicPartition(Topic.EVENTS.topicName(), p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(lagging, atStart).all().get();
        }
        String before = windows(rebuilt);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rebuild(rebuildRequest(), lagging));
        assertTrue(e.getMessage().startsWith("the aggregator (group " + lagging + ") is still "), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        assertEquals(before, windows(rebuilt));
    }

    @Test
    void dryRunShowsWhatWouldBeReadAndReplaced() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "");
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            new WindowRebuild(consumer, new PayloadValidator(), new EventTimeRule(600_000), clickHouse, writer,
                    new LiveGroups(admin, "none", sinkGroup, Duration.ofSeconds(5), print), FIVE_MINUTES, 1000, print)
                    .dryRun(ReplayCli.parse(List.of("--from", Long.toString(START), "--to",
                            Long.toString(START + 300_000), "--container", rebuilt, "--rebuild-windows", "--dry-run"),
                            System.currentTimeMillis()), System.currentTimeMillis());
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("rebuilding the windows of 300000 ms starting from 2024-02-24T16:00:00Z to"
                + " 2024-02-24T16:05:00Z for container " + rebuilt), printed);
        assertTrue(printed.contains("and replace the 18 stream row(s) stored for these windows"), printed);
    }

    private ReplayRequest rebuildRequest() {
        return ReplayCli.parse(List.of("--from", "2024-02-24T16:00:00Z", "--to", "2024-02-24T16:05:00Z",
                "--container", rebuilt, "--rebuild-windows"), System.currentTimeMillis());
    }

    private WindowRebuild.Summary rebuild(ReplayRequest request, String aggregatorGroup) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "");
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            LiveGroups live = new LiveGroups(admin, aggregatorGroup, sinkGroup, Duration.ofSeconds(2), System.out);
            return new WindowRebuild(consumer, new PayloadValidator(), new EventTimeRule(600_000), clickHouse, writer,
                    live, FIVE_MINUTES, 1000, System.out).rebuild(request, System.currentTimeMillis(), () -> false);
        }
    }

    private String streamWindowsOf(String container) throws Exception {
        return clickHouse.query("SELECT window_start_ms, window_end_ms, sum(total_events)"
                + " FROM probr.windows FINAL WHERE source = 'stream'"
                + " AND container_id = '" + container + "' GROUP BY window_start_ms, window_end_ms"
                + " ORDER BY window_start_ms, window_end_ms FORMAT TabSeparated");
    }

    private String tagsOf(String container, long windowStart) throws Exception {
        return clickHouse.query("SELECT tag, sum(count), sum(success), sum(failure), sum(total_exec_ms)"
                + " FROM probr.tag_windows FINAL WHERE source = 'stream' AND container_id = '" + container + "'"
                + " AND window_start_ms = " + windowStart + " GROUP BY tag ORDER BY tag FORMAT TabSeparated");
    }

    /** Every stored window row of a container, sorted: the whole state a rebuild could change. */
    private String windows(String container) throws Exception {
        return clickHouse.query("SELECT source, window_start_ms, window_end_ms, window_part, total_events"
                + " FROM probr.windows FINAL WHERE container_id = '" + container + "'"
                + " ORDER BY source, window_start_ms, window_end_ms, window_part FORMAT TabSeparated")
                + clickHouse.query("SELECT source, window_start_ms, window_part, tag, count, total_exec_ms"
                + " FROM probr.tag_windows FINAL WHERE container_id = '" + container + "'"
                + " ORDER BY source, window_start_ms, window_end_ms, window_part, tag FORMAT TabSeparated");
    }

    private long number(String sql) throws Exception {
        return Long.parseLong(clickHouse.query(sql + " FORMAT TabSeparated").strip());
    }

    private static String event(String container, long timestampMs) {
        return example("per-event.json").replace("GTM-ABC123", container)
                .replace("1708790400000", Long.toString(timestampMs));
    }

    /** A window of one purchase event with the per-event example's two tags. */
    private static String window(String container, long startMs, long endMs) {
        return """
                {"container_id": "%s", "batch": true, "window_start_ms": %d, "window_end_ms": %d, "total_events": 1,
                 "event_counts": {"purchase": 1},
                 "tag_metrics": {
                   "GA4 - Event": {"success": 1, "failure": 0, "timeout": 0, "exception": 0, "total_exec_ms": 120, "count": 1},
                   "Meta CAPI": {"success": 0, "failure": 1, "timeout": 0, "exception": 0, "total_exec_ms": 5000, "count": 1}
                 }}
                """.formatted(container, startMs, endMs);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "isolation.level",
                "read_committed", "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
