package io.probr.sink.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class BatchInserterTest {
    private static final String REFUSED = "Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero";

    /** ClickHouse as the inserter sees it: refuses a whole insert when one of {@code refused}'s rows is in it. */
    private static final class FakeClickHouse implements BatchInserter.Writer {
        final Set<Long> refused = new HashSet<>();
        final List<Long> stored = new ArrayList<>();
        int inserts;
        String error = REFUSED;

        @Override
        public Map<String, Integer> write(RowBatch rows) throws ClickHouseException {
            inserts++;
            for (Rows.EventRow row : rows.events()) {
                if (refused.contains(row.timestampMs()) || error.startsWith("Connection")) {
                    throw new ClickHouseException("INSERT INTO probr.events failed: " + error);
                }
            }
            rows.events().forEach(row -> stored.add(row.timestampMs()));
            return Map.of("probr.events", rows.events().size());
        }
    }

    private final FakeClickHouse clickHouse = new FakeClickHouse();
    private final List<Long> fetched = new ArrayList<>();
    private final BatchInserter inserter = new BatchInserter(clickHouse, sources -> sources.stream().map(source -> {
        fetched.add(source.offset());
        return new ConsumerRecord<byte[], byte[]>(source.partition().topic(), source.partition().partition(),
                source.offset(), null, new byte[] {1});
    }).toList());

    /** Record i has offset i and one event row with timestamp i. */
    private static RowBatch batch(int records) {
        RowBatch batch = new RowBatch();
        for (int i = 0; i < records; i++) {
            RowBatch rows = new RowBatch();
            rows.events().add(new Rows.EventRow(UUID.randomUUID(), "GTM-X", "e", i, i, "k", "s", 0, null, null));
            batch.add(new ConsumerRecord<>("probr.events.v1", 0, i, null, null), rows);
        }
        return batch;
    }

    @Test
    void aBatchClickHouseTakesIsWrittenInOneInsert() throws Exception {
        BatchInserter.Inserted inserted = inserter.insert(batch(100));
        assertEquals(Map.of("probr.events", 100), inserted.rowsByTable());
        assertEquals(List.of(), inserted.refused());
        assertEquals(1, clickHouse.inserts);
    }

    @Test
    void theRecordsWhoseRowsAreRefusedAreFoundAndEveryOtherRowIsStored() throws Exception {
        clickHouse.refused.addAll(List.of(17L, 18L, 640L));
        BatchInserter.Inserted inserted = inserter.insert(batch(1000));
        assertEquals(List.of(17L, 18L, 640L), fetched, "read again, in order");
        assertEquals(3, inserted.refused().size());
        assertTrue(inserted.refused().get(0).reason().contains("Code: 395"), inserted.refused().get(0).reason());
        assertEquals(997, clickHouse.stored.size());
        assertEquals(997, new HashSet<>(clickHouse.stored).size(), "each other row exactly once");
        assertEquals(Map.of("probr.events", 997), inserted.rowsByTable());
        assertTrue(clickHouse.inserts < 70, "halving, not one insert per record: " + clickHouse.inserts);
    }

    @Test
    void aRefusalOfEveryRecordIsNoRecordsFaultAndFailsTheBatch() {
        for (long i = 0; i < 8; i++) {
            clickHouse.refused.add(i);
        }
        ClickHouseException e = assertThrows(ClickHouseException.class, () -> inserter.insert(batch(8)));
        assertTrue(e.getMessage().contains("every record"), e.getMessage());
        assertEquals(List.of(), fetched, "nothing goes to the DLQ");
    }

    @Test
    void tooManyRefusedInsertsFailTheBatchInsteadOfWritingRecordByRecord() {
        for (long i = 0; i < 2000; i += 3) {
            clickHouse.refused.add(i);
        }
        ClickHouseException e = assertThrows(ClickHouseException.class, () -> inserter.insert(batch(2000)));
        assertTrue(e.getMessage().contains("more than " + BatchInserter.MAX_REFUSED_INSERTS), e.getMessage());
        assertTrue(clickHouse.inserts <= 2 * BatchInserter.MAX_REFUSED_INSERTS + 2, "bounded: " + clickHouse.inserts);
        assertEquals(List.of(), fetched);
    }

    @Test
    void aLoneRecordClickHouseRefusesIsFound() throws Exception {
        clickHouse.refused.add(0L);
        assertEquals(1, inserter.insert(batch(1)).refused().size());
    }

    @Test
    void anErrorARetryMayFixFailsTheBatchAsItIs() {
        clickHouse.error = "Connection refused";
        ClickHouseException e = assertThrows(ClickHouseException.class, () -> inserter.insert(batch(10)));
        assertTrue(e.getMessage().contains("Connection refused"));
        assertEquals(1, clickHouse.inserts, "no search");
    }

    @Test
    void aSliceKeepsEachRecordsRowsAndSources() {
        RowBatch batch = new RowBatch();
        for (int i = 0; i < 3; i++) {
            RowBatch rows = new RowBatch();
            for (int t = 0; t <= i; t++) {
                rows.tagExecutions().add(new Rows.TagExecutionRow(UUID.randomUUID(), t, "GTM-X", "e", i, "k", "1", "",
                        io.probr.schemas.payload.TagStatus.SUCCESS, null));
            }
            batch.add(new ConsumerRecord<>("probr.events.v1", 2, 10 + i, null, null), rows);
        }
        RowBatch last = batch.slice(1, 3);
        assertEquals(2, last.recordCount());
        assertEquals(5, last.tagExecutions().size(), "2 + 3 rows");
        assertEquals(11, last.source(0).offset());
        RowBatch third = last.slice(1, 2);
        assertEquals(3, third.tagExecutions().size());
        assertEquals(12, third.source(0).offset());
        assertSame(batch.tagExecutions().get(3), third.tagExecutions().get(0));
    }
}
