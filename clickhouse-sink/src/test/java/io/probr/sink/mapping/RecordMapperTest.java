package io.probr.sink.mapping;

import static io.probr.sink.TestRecords.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.payload.TagStatus;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.Topic;
import io.probr.sink.TestRecords;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
    private static final UUID INGEST_ID = UUID.fromString("0190d6a4-0000-7000-8000-000000000001");
    private final RecordMapper mapper = TestRecords.mapper();

    @Test
    void perEventPayloadBecomesOneEventRowAndOneRowPerTag() throws Exception {
        RowBatch rows = mapper.map(consumed(TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123",
                example("per-event.json"), INGEST_ID, 1708790400123L)));

        assertEquals(1, rows.events().size());
        Rows.EventRow event = rows.events().get(0);
        assertEquals(INGEST_ID, event.ingestId());
        assertEquals("GTM-ABC123", event.containerId());
        assertEquals("purchase", event.eventName());
        assertEquals(1708790400000L, event.timestampMs());
        assertEquals(1708790400123L, event.receivedAtMs());
        assertEquals("pk_test", event.keyId());
        assertEquals("shop", event.siteId());
        assertEquals(2, event.tagCount());
        assertTrue(event.userData().hasEmail());
        assertTrue(event.ecommerce().hasItems());

        assertEquals(List.of(
                new Rows.TagExecutionRow(INGEST_ID, 0, "GTM-ABC123", "purchase", 1708790400000L, "GA4 - Event", "15",
                        "GA4 - Event", TagStatus.SUCCESS, 120L),
                new Rows.TagExecutionRow(INGEST_ID, 1, "GTM-ABC123", "purchase", 1708790400000L, "Meta CAPI", "22",
                        "Meta CAPI", TagStatus.FAILURE, 5000L)), rows.tagExecutions());
        assertTrue(rows.windows().isEmpty() && rows.tagWindows().isEmpty());
    }

    @Test
    void aTagWithoutNameIsKeyedByItsIdAndAbsentExecutionTimeStaysNull() throws Exception {
        String json = """
                {"container_id":"GTM-X","event_name":"page_view","timestamp_ms":5,
                 "tags":[{"id":"7","status":"timeout"}]}""";
        RowBatch rows = mapper.map(consumed(TestRecords.fromEdge(Topic.EVENTS, "GTM-X", json, INGEST_ID, 9)));

        Rows.TagExecutionRow tag = rows.tagExecutions().get(0);
        assertEquals("7", tag.tag());
        assertEquals("", tag.tagName());
        assertNull(tag.executionMs());
        assertNull(rows.events().get(0).userData());
        assertNull(rows.events().get(0).ecommerce());
    }

    @Test
    void batchFromATagIsAWindowPartNamedByItsIngestId() throws Exception {
        RowBatch rows = mapper.map(consumed(TestRecords.fromEdge(Topic.BATCHES, "GTM-ABC123",
                example("batched.json"), INGEST_ID)));

        Rows.WindowKey key = new Rows.WindowKey(Rows.Source.TAG_BATCH, "GTM-ABC123", 1708790400000L,
                1708790459000L, INGEST_ID.toString());
        assertEquals(1, rows.windows().size());
        assertEquals(key, rows.windows().get(0).key());
        assertEquals(50, rows.windows().get(0).window().totalEvents());
        List<Rows.TagWindowRow> tags = rows.tagWindows().stream()
                .sorted(Comparator.comparing(Rows.TagWindowRow::tag)).toList();
        assertEquals(2, tags.size());
        assertEquals(key, tags.get(0).key());
        assertEquals("GA4 - Event", tags.get(0).tag());
        assertEquals(6240, tags.get(0).metrics().totalExecMs());
        assertEquals(1, tags.get(1).metrics().timeout());
    }

    @Test
    void aggregatorWindowIsAStreamPartNamedByItsHeader() throws Exception {
        RowBatch rows = mapper.map(consumed(TestRecords.fromAggregator("GTM-ABC123", example("batched.json"),
                "late-" + INGEST_ID)));

        assertEquals(new Rows.WindowKey(Rows.Source.STREAM, "GTM-ABC123", 1708790400000L, 1708790459000L,
                "late-" + INGEST_ID), rows.windows().get(0).key());
    }

    @Test
    void recordsThatCanNeverBeRowsAreRefusedWithAReason() {
        String perEvent = example("per-event.json");
        assertReason("invalid payload", TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123", "{not json", INGEST_ID));
        assertReason("a batched payload on probr.events.v1",
                TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123", example("batched.json"), INGEST_ID));
        assertReason("a per-event payload on probr.batches.v1",
                TestRecords.fromEdge(Topic.BATCHES, "GTM-ABC123", perEvent, INGEST_ID));
        assertReason("header probr-ingest-id is missing",
                new ProducerRecord<>(Topic.EVENTS.topicName(), TestRecords.utf8(perEvent)));
        ProducerRecord<byte[], byte[]> badId = TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123", perEvent, INGEST_ID);
        badId.headers().remove("probr-ingest-id").add("probr-ingest-id", TestRecords.utf8("nope"));
        assertReason("is not a UUID", badId);
        assertReason("header probr-window-part is missing",
                new ProducerRecord<>(Topic.WINDOWS.topicName(), TestRecords.utf8(example("batched.json"))));
    }

    @Test
    void timesBeyondTheSkewOrOutsideDateTimeAreRefusedNeverWrapped() {
        long now = System.currentTimeMillis();
        String perEvent = example("per-event.json");
        ProducerRecord<byte[], byte[]> future = TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123",
                perEvent.replace("1708790400000", Long.toString(now + 11 * 60_000)), INGEST_ID, now);
        assertEquals(DeadLetterReason.FUTURE_TIMESTAMP, refused(future).reason());
        // a received-at header in the future proves nothing: the sink's clock bounds it
        ProducerRecord<byte[], byte[]> lying = TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123",
                perEvent.replace("1708790400000", "4922899200000"), INGEST_ID, 4922899200000L);
        assertEquals(DeadLetterReason.FUTURE_TIMESTAMP, refused(lying).reason());
        String window = example("batched.json").replaceFirst("\"window_end_ms\":\\s*\\d+",
                "\"window_end_ms\": 253402300799000");
        assertEquals(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, refused(TestRecords.fromAggregator("GTM-ABC123", window,
                "final")).reason());
        assertEquals(DeadLetterReason.FUTURE_TIMESTAMP, refused(TestRecords.fromEdge(Topic.BATCHES, "GTM-ABC123",
                window, INGEST_ID, now)).reason());
    }

    @Test
    void anEventStampedWithinTheSkewOfItsArrivalIsStored() throws Exception {
        long arrival = 1708790400000L - 5 * 60_000;   // the tag's clock five minutes ahead of the edge's
        RowBatch rows = mapper.map(consumed(TestRecords.fromEdge(Topic.EVENTS, "GTM-ABC123",
                example("per-event.json"), INGEST_ID, arrival)));
        assertEquals(1, rows.events().size());
    }

    private UnmappableRecordException refused(ProducerRecord<byte[], byte[]> record) {
        return assertThrows(UnmappableRecordException.class, () -> mapper.map(consumed(record)));
    }

    private void assertReason(String expected, ProducerRecord<byte[], byte[]> record) {
        UnmappableRecordException e = assertThrows(UnmappableRecordException.class, () -> mapper.map(consumed(record)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> record) {
        return new ConsumerRecord<>(record.topic(), 0, 42, TestRecords.RECEIVED_NOW, TimestampType.CREATE_TIME, 0, 0,
                record.key(), record.value(), record.headers(), Optional.empty());
    }
}
