package io.probr.sink.replay;

import static io.probr.sink.TestRecords.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.topic.Topic;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A day deleted in ClickHouse comes back by replay, and replaying what is there changes nothing. */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class ReplayIT {
    private final String lost = "GTM-LOST" + UUID.randomUUID().toString().substring(0, 4).toUpperCase();
    private final String kept = "GTM-KEPT" + UUID.randomUUID().toString().substring(0, 4).toUpperCase();

    @Test
    void deletedRowsAreRestoredAndPresentRowsAreNotDuplicated(LocalKafkaBroker broker, LocalClickHouse server) throws Exception {
        long started = System.currentTimeMillis();
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        String group = "replay-it-" + lost;
        try (SinkHarness harness = new SinkHarness(broker, server)) {
            for (int i = 0; i < 50; i++) {
                for (String container : List.of(lost, kept)) {
                    String json = example("per-event.json").replace("GTM-ABC123", container)
                            .replace("1708790400000", Long.toString(1708790400000L + i));
                    harness.send(TestRecords.fromEdge(Topic.EVENTS, container, json, UUID.randomUUID()));
                }
            }
            try (SinkApp sink = new SinkApp(harness.config(group, Map.of()))) {
                Poll.until("stored", () -> harness.caughtUp(group));
            }
        }
        assertEquals("50\t100\n50\t100\n", counts(clickHouse));

        clickHouse.query("ALTER TABLE probr.events DELETE WHERE container_id = '" + lost + "'");
        clickHouse.query("ALTER TABLE probr.tag_executions DELETE WHERE container_id = '" + lost + "'");
        Poll.until("the deletion", () -> counts(clickHouse).equals("0\t0\n50\t100\n"));

        ReplayRequest request = ReplayCli.parse(List.of("--from", Long.toString(started - 60_000),
                "--container", lost, "--what", "events"), System.currentTimeMillis());
        Replayer.Summary summary = replay(broker, server, request);
        assertEquals(50, summary.matched());
        assertEquals(150, summary.rows(), "50 events and 100 tag executions");
        assertEquals("50\t100\n50\t100\n", counts(clickHouse), "restored");

        replay(broker, server, ReplayCli.parse(List.of("--from", Long.toString(started - 60_000)),
                System.currentTimeMillis()));
        assertEquals("50\t100\n50\t100\n", counts(clickHouse), "a replay of everything changes no result");
    }

    @Test
    void dryRunShowsThePlanAndSaysWhenAContainerHasNoRecords(LocalKafkaBroker broker, LocalClickHouse server) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker);
             ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "")) {
            new Replayer(consumer, TestRecords.mapper(), writer, 1000,
                    new PrintStream(out, true, StandardCharsets.UTF_8))
                    .dryRun(ReplayCli.parse(List.of("--from", "0", "--container", "GTM-NOPE"), System.currentTimeMillis()));
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("probr.events.v1-0"), printed);
        assertTrue(printed.contains("probr.windows.v1-2"), printed);
        assertTrue(printed.contains("would read "), printed);
        assertTrue(printed.contains("no record of container GTM-NOPE in that range"), printed);
    }

    private String counts(ClickHouseHttp clickHouse) throws Exception {
        StringBuilder result = new StringBuilder();
        for (String container : List.of(lost, kept)) {
            String where = " FINAL WHERE container_id = '" + container + "'";
            result.append(clickHouse.query("SELECT (SELECT count() FROM probr.events" + where + "),"
                    + " (SELECT count() FROM probr.tag_executions" + where + ") FORMAT TabSeparated"));
        }
        return result.toString();
    }

    private static Replayer.Summary replay(LocalKafkaBroker broker, LocalClickHouse server, ReplayRequest request)
            throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker);
             ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "")) {
            return new Replayer(consumer, TestRecords.mapper(), writer, 1000, System.out)
                    .replay(request, () -> false);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(LocalKafkaBroker broker) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "isolation.level",
                "read_committed", "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
