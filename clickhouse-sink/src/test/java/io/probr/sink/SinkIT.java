package io.probr.sink;

import static io.probr.sink.TestRecords.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink against the real broker and the real ClickHouse (18.16): storage, replay, poison records. */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class SinkIT {
    private SinkHarness harness;
    private final String container = "GTM-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();

    @BeforeEach
    void setUp(LocalKafkaBroker broker, LocalClickHouse clickHouse) {
        harness = new SinkHarness(broker, clickHouse);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void eventsAndTheirTagsAreStoredWithEveryValue() throws Exception {
        UUID ingestId = UUID.randomUUID();
        String json = example("per-event.json").replace("GTM-ABC123", container);
        harness.send(TestRecords.fromEdge(Topic.EVENTS, container, json, ingestId, 1708790400250L));

        try (SinkApp sink = new SinkApp(harness.config("sink-it-values", Map.of()))) {
            Poll.until("the event's rows", () -> harness.number(
                    "SELECT count() FROM probr.tag_executions WHERE container_id = '" + container + "'") == 2);
        }
        assertEquals(ingestId + "\t" + container + "\tpurchase\t1708790400000\t2024-02-24 16:00:00\t2024-02-24\t"
                        + "1708790400250\tpk_test\tshop\t2\t1\t1\t0\t1\t1\t0\t1\t1\t1\t1\t1\t1\n",
                harness.rows("SELECT ingest_id, container_id, event_name, timestamp_ms, event_time, event_date,"
                        + " received_at_ms, key_id, site_id, tag_count, has_user_data, has_email, has_phone,"
                        + " has_first_name, has_last_name, has_city, has_country, has_ecommerce, has_value,"
                        + " has_currency, has_transaction_id, has_items FROM probr.events"
                        + " WHERE container_id = '" + container + "'"));
        assertEquals(ingestId + "\t0\tpurchase\t2024-02-24 16:00:00\tGA4 - Event\t15\tGA4 - Event\tsuccess\t120\n"
                        + ingestId + "\t1\tpurchase\t2024-02-24 16:00:00\tMeta CAPI\t22\tMeta CAPI\tfailure\t5000\n",
                harness.rows("SELECT ingest_id, tag_index, event_name, event_time, tag, tag_id, tag_name, status,"
                        + " execution_ms FROM probr.tag_executions WHERE container_id = '" + container
                        + "' ORDER BY tag_index"));
    }

    @Test
    void aBurstIsWrittenOnceTheTopicsFallQuietNotAtTheEndOfTheFlushInterval() throws Exception {
        String json = example("per-event.json").replace("GTM-ABC123", container);
        for (int i = 0; i < 4; i++) {
            harness.send(TestRecords.fromEdge(Topic.EVENTS, container, json, UUID.randomUUID(), 1708790400250L));
        }
        // 12 rows buffered: more than a tenth of a batch, far less than a batch; the interval would be 10 minutes
        try (SinkApp sink = new SinkApp(harness.config("sink-it-quiet", Map.of(
                "PROBR_SINK_BATCH_ROWS", "100", "PROBR_SINK_FLUSH_INTERVAL_MS", "600000")))) {
            Poll.until("the burst's rows, well before the flush interval", Duration.ofSeconds(60), () -> harness.number(
                    "SELECT count() FROM probr.tag_executions WHERE container_id = '" + container + "'") == 8);
        }
    }

    @Test
    void batchesAndWindowsAreStoredAsWindowPartsWithEveryCounter() throws Exception {
        UUID batchId = UUID.randomUUID();
        String json = example("batched.json").replace("GTM-ABC123", container);
        harness.send(TestRecords.fromEdge(Topic.BATCHES, container, json, batchId));
        harness.send(TestRecords.fromAggregator(container, json, "final"));

        try (SinkApp sink = new SinkApp(harness.config("sink-it-windows", Map.of()))) {
            Poll.until("both windows", () -> harness.number(
                    "SELECT count() FROM probr.tag_windows WHERE container_id = '" + container + "'") == 4
                    && harness.number("SELECT count() FROM probr.windows WHERE container_id = '" + container + "'") == 2);
        }
        String windowColumns = "1708790400000\t1708790459000\t2024-02-24 16:00:00\t50\t['add_to_cart','page_view','purchase']"
                + "\t[5,40,5]\t42\t15\t38\t50\t5\t5\t4\t5\t5\n";
        assertEquals("tag_batch\t" + batchId + "\t" + windowColumns + "stream\tfinal\t" + windowColumns,
                harness.rows("SELECT source, window_part, window_start_ms, window_end_ms, window_start, total_events,"
                        + " event_counts.event_name, event_counts.count, user_data_email, user_data_phone,"
                        + " user_data_address, user_data_total, ecommerce_value, ecommerce_currency,"
                        + " ecommerce_transaction_id, ecommerce_items, ecommerce_total FROM probr.windows"
                        + " WHERE container_id = '" + container + "' ORDER BY source"));
        assertEquals("tag_batch\tGA4 - Event\t48\t2\t0\t0\t6240\t50\n"
                        + "tag_batch\tMeta CAPI\t3\t1\t1\t0\t9100\t5\n"
                        + "stream\tGA4 - Event\t48\t2\t0\t0\t6240\t50\n"
                        + "stream\tMeta CAPI\t3\t1\t1\t0\t9100\t5\n",
                harness.rows("SELECT source, tag, success, failure, timeout, exception, total_exec_ms, count"
                        + " FROM probr.tag_windows WHERE container_id = '" + container + "' ORDER BY source, tag"));
    }

    @Test
    void replayingTheTopicsFromTheStartLeavesQueryResultsUnchanged() throws Exception {
        int events = 300;
        for (int i = 0; i < events; i++) {
            String json = example("per-event.json").replace("GTM-ABC123", container)
                    .replace("1708790400000", Long.toString(1708790400000L + i * 1000L));
            harness.send(TestRecords.fromEdge(Topic.EVENTS, container, json, UUID.randomUUID()));
        }
        String where = " WHERE container_id = '" + container + "'";
        String perTag = "SELECT tag, count(), countIf(status != 'success'), sum(execution_ms) FROM probr.tag_executions"
                + " FINAL" + where + " GROUP BY tag ORDER BY tag";
        try (SinkApp sink = new SinkApp(harness.config("sink-it-replay-1", Map.of()))) {
            Poll.until("all events stored and committed", () -> harness.caughtUp("sink-it-replay-1"));
        }
        String before = harness.rows(perTag);
        assertEquals("GA4 - Event\t300\t0\t36000\nMeta CAPI\t300\t300\t1500000\n", before);

        // A new consumer group reads every topic again from the beginning: a full replay.
        try (SinkApp replay = new SinkApp(harness.config("sink-it-replay-2", Map.of()))) {
            Poll.until("the replay to finish", Duration.ofSeconds(60), () -> harness.caughtUp("sink-it-replay-2"));
            // it wrote every row again (whether ClickHouse merged them away yet is its own business)
            String written = "probr_sink_rows_written_total{table=\"probr.tag_executions\"} ";
            Poll.until("the replay's rows counted", () -> metrics(replay).lines().filter(line -> line.startsWith(written))
                    .anyMatch(line -> Double.parseDouble(line.substring(written.length())) >= 2 * events));
        }
        assertEquals(events, harness.number("SELECT count() FROM probr.events FINAL" + where));
        assertEquals(2 * events, harness.number("SELECT count() FROM probr.tag_executions FINAL" + where));
        assertEquals(before, harness.rows(perTag));

        harness.clickHouse.query("OPTIMIZE TABLE probr.tag_executions FINAL");
        assertEquals(2 * events, harness.number("SELECT count() FROM probr.tag_executions" + where),
                "merges keep exactly one row per (ingest id, tag)");
    }

    @Test
    void aPoisonRecordGoesToTheDlqAndTheSinkKeepsGoing() throws Exception {
        harness.send(TestRecords.fromEdge(Topic.EVENTS, container, "{\"container_id\": truncated", UUID.randomUUID()));
        var withoutHeaders = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
                Topic.EVENTS.topicName(), TestRecords.utf8(container),
                TestRecords.utf8(example("per-event.json").replace("GTM-ABC123", container)));
        harness.send(withoutHeaders);
        UUID future = UUID.randomUUID();   // 2126: would be stored as 1990 by a wrapping DateTime
        harness.send(TestRecords.fromEdge(Topic.EVENTS, container,
                example("per-event.json").replace("GTM-ABC123", container).replace("1708790400000", "4922899200000"),
                future));
        UUID good = UUID.randomUUID();
        harness.send(TestRecords.fromEdge(Topic.EVENTS, container,
                example("per-event-minimal.json").replaceAll("GTM-[A-Z0-9]+", container), good));

        try (SinkApp sink = new SinkApp(harness.config("sink-it-poison", Map.of()));
             KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(Map.of("bootstrap.servers",
                     harness.broker.bootstrapServers(), "group.id", "dlq-reader-" + container,
                     "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Poll.until("the good record", () -> harness.number("SELECT count() FROM probr.events WHERE ingest_id = '"
                    + good + "'") == 1);
            dlq.subscribe(List.of(Topic.DLQ.topicName()));
            List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
            Poll.until("three dead letters", () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (container.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        mine.add(r);
                    }
                });
                return mine.size() >= 3;
            });
            assertEquals(3, mine.size());
            assertTrue(IngestHeaders.read(mine.get(0).headers(), DlqHeaders.REASON).startsWith("invalid payload"));
            assertEquals("{\"container_id\": truncated", new String(mine.get(0).value(), StandardCharsets.UTF_8));
            assertEquals("clickhouse-sink", IngestHeaders.read(mine.get(0).headers(), DlqHeaders.FAILED_BY));
            assertEquals(Topic.EVENTS.topicName(), IngestHeaders.read(mine.get(0).headers(), DlqHeaders.SOURCE_TOPIC));
            assertTrue(IngestHeaders.read(mine.get(1).headers(), DlqHeaders.REASON).contains("probr-ingest-id is missing"));
            assertEquals("invalid_metadata", IngestHeaders.read(mine.get(1).headers(), DlqHeaders.REASON_CODE));
            assertEquals("future_timestamp", IngestHeaders.read(mine.get(2).headers(), DlqHeaders.REASON_CODE));
            assertEquals(0, harness.number("SELECT count() FROM probr.events WHERE ingest_id = '" + future + "'"));
            assertEquals(0, harness.number("SELECT count() FROM probr.tag_executions WHERE ingest_id = '" + future + "'"));

            // the insert thread's rows become visible a moment before the loop records them: poll
            Poll.until("the sink's metrics", () -> {
                String body = metrics(sink);
                return body.contains("probr_sink_dlq_records_total{reason=\"future_timestamp\",topic=\"probr.events.v1\"}")
                        && body.contains("probr_sink_rows_written_total{table=\"probr.events\"}")
                        && body.contains("probr_sink_consumer_lag{topic=\"probr.events.v1\"}")
                        && body.contains("jvm_gc_collection_seconds_count");
            });
        }
    }

    @Test
    void aRecordWhoseRowsClickHouseRefusesGoesToTheDlqAndTheRestOfItsBatchIsStored() throws Exception {
        String refusedEvent = "refused_" + container.substring(4).toLowerCase();
        List<UUID> good = new ArrayList<>();
        String refusedJson = example("per-event.json").replace("GTM-ABC123", container)
                .replace("\"purchase\"", "\"" + refusedEvent + "\"");
        for (int i = 0; i < 40; i++) {
            UUID id = UUID.randomUUID();
            good.add(id);
            harness.send(TestRecords.fromEdge(Topic.EVENTS, container,
                    example("per-event.json").replace("GTM-ABC123", container), id));
            if (i == 25) {
                harness.send(TestRecords.fromEdge(Topic.EVENTS, container, refusedJson, UUID.randomUUID()));
            }
        }
        // a row ClickHouse itself refuses: on 18.16 as on current releases, a DEFAULT throwIf of this test's event
        String guard = "guard_" + container.substring(4).toLowerCase();
        harness.migrate();
        harness.rows("ALTER TABLE probr.events ADD COLUMN " + guard + " UInt8 DEFAULT throwIf(event_name = '"
                + refusedEvent + "')");
        String group = "sink-it-refused-" + container;
        try (SinkApp sink = new SinkApp(harness.config(group, Map.of()))) {
            // the sink commits past a dead letter only once Kafka has confirmed it
            Poll.until("the batch stored and committed", () -> harness.caughtUp(group));
            assertEquals(40, harness.number("SELECT count() FROM probr.events WHERE container_id = '" + container + "'"),
                    "every other record of the batch is stored");
            assertEquals(0, harness.number("SELECT count() FROM probr.events WHERE event_name = '" + refusedEvent + "'"));
            List<ConsumerRecord<byte[], byte[]>> mine = deadLetters();
            assertEquals(1, mine.size());
            assertEquals("clickhouse_refused", IngestHeaders.read(mine.get(0).headers(), DlqHeaders.REASON_CODE));
            assertTrue(IngestHeaders.read(mine.get(0).headers(), DlqHeaders.REASON).contains("395"),
                    "ClickHouse's own answer, with its code");
            assertEquals(refusedJson, new String(mine.get(0).value(), StandardCharsets.UTF_8), "the record as it was");
            assertEquals(Topic.EVENTS.topicName(), IngestHeaders.read(mine.get(0).headers(), DlqHeaders.SOURCE_TOPIC));
            Poll.until("the metric", () -> metrics(sink).contains(
                    "probr_sink_dlq_records_total{reason=\"clickhouse_refused\",topic=\"probr.events.v1\"} 1.0"));
        } finally {
            harness.rows("ALTER TABLE probr.events DROP COLUMN " + guard);
        }
    }

    @Test
    void whenClickHouseRefusesEveryRecordOfABatchNothingIsDeadLetteredAndTheSinkWaitsForTheFix() throws Exception {
        for (int i = 0; i < 5; i++) {
            harness.send(TestRecords.fromEdge(Topic.EVENTS, container,
                    example("per-event.json").replace("GTM-ABC123", container), UUID.randomUUID()));
        }
        // every row refused (the sink reads the other tests' records too): a table changed under the sink
        String guard = "guard_" + container.substring(4).toLowerCase();
        harness.migrate();
        harness.rows("ALTER TABLE probr.events ADD COLUMN " + guard + " UInt8 DEFAULT throwIf(length(container_id) > 0)");
        String group = "sink-it-drift-" + container;
        boolean dropped = false;
        try (SinkApp sink = new SinkApp(harness.config(group, Map.of("PROBR_SINK_RETRY_MAX_MS", "500")))) {
            Poll.until("two failed attempts", () -> insertFailures(sink) >= 2);
            assertEquals(0, harness.number("SELECT count() FROM probr.events WHERE container_id = '" + container + "'"));
            assertEquals(List.of(), deadLetters(), "no dead letter");
            harness.rows("ALTER TABLE probr.events DROP COLUMN " + guard);
            dropped = true;
            Poll.until("the batch stored once the table is fixed", () -> harness.caughtUp(group));
            assertEquals(5, harness.number("SELECT count() FROM probr.events WHERE container_id = '" + container + "'"));
            assertEquals(List.of(), deadLetters(), "still no dead letter");
        } finally {
            if (!dropped) {
                harness.rows("ALTER TABLE probr.events DROP COLUMN " + guard);
            }
        }
    }

    /** This test's dead letters: the DLQ read from its start to its end now. */
    private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(Map.of("bootstrap.servers",
                harness.broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = dlq.partitionsFor(Topic.DLQ.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            dlq.assign(partitions);
            dlq.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = dlq.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> dlq.position(p) < end.get(p))) {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (container.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        mine.add(r);
                    }
                });
            }
            return mine;
        }
    }

    private static double insertFailures(SinkApp sink) throws Exception {
        java.util.regex.Matcher value = java.util.regex.Pattern.compile("(?m)^probr_sink_insert_failures_total (\\S+)$")
                .matcher(metrics(sink));
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private static String metrics(SinkApp sink) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sink.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
