package io.probr.sink.consumer;

import io.probr.sink.clickhouse.ClickHouseErrors;
import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.mapping.RowBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The insert thread's work: writes a batch to ClickHouse. When ClickHouse refuses rows that no retry can fix
 * ({@link ClickHouseErrors#refusesRows}), it writes halves of the batch until it has found the records whose rows are
 * refused, and hands those back for the DLQ: one bad record must not stall the sink. A refusal that is not a few
 * records' fault fails the batch like any other error, to be retried with backoff and alerted on: every record of
 * the batch refused (a table changed under the sink), or more than {@link #MAX_REFUSED_INSERTS} refused inserts.
 * Rows that a refused record gave to another table stay there; a replay after the fix completes them.
 */
final class BatchInserter {
    static final int MAX_REFUSED_INSERTS = 100;

    /** Writes rows to ClickHouse ({@code ClickHouseWriter::write}); returns rows written per table. */
    interface Writer {
        Map<String, Integer> write(RowBatch rows) throws ClickHouseException;
    }

    /** Reads source records again, as they are in Kafka, in the order asked. */
    interface Fetcher {
        List<ConsumerRecord<byte[], byte[]>> fetch(List<RowBatch.Source> sources) throws IOException;
    }

    /** A record ClickHouse refused the rows of, and ClickHouse's answer. */
    record Refused(ConsumerRecord<byte[], byte[]> record, String reason) {
    }

    /** Rows written per table, how long it took, and the records refused. */
    record Inserted(Map<String, Integer> rowsByTable, long nanos, List<Refused> refused) {
    }

    private final Writer writer;
    private final Fetcher fetcher;

    BatchInserter(Writer writer, Fetcher fetcher) {
        this.writer = writer;
        this.fetcher = fetcher;
    }

    Inserted insert(RowBatch batch) throws IOException {
        long started = System.nanoTime();
        try {
            return new Inserted(writer.write(batch), System.nanoTime() - started, List.of());
        } catch (ClickHouseException e) {
            if (!ClickHouseErrors.refusesRows(e) || batch.recordCount() == 0) {
                throw e;
            }
            Isolation isolation = new Isolation(e);
            isolation.split(batch, e);
            if (isolation.found.size() == batch.recordCount() && batch.recordCount() > 1) {
                throw new ClickHouseException("ClickHouse refused the rows of every record of the batch, which is"
                        + " no record's fault (did a table change?): " + e.getMessage(), e);
            }
            List<ConsumerRecord<byte[], byte[]>> records = fetcher.fetch(
                    isolation.found.stream().map(Found::source).toList());
            List<Refused> refused = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                refused.add(new Refused(records.get(i), isolation.found.get(i).error().getMessage()));
            }
            return new Inserted(isolation.written, System.nanoTime() - started, refused);
        }
    }

    private record Found(RowBatch.Source source, ClickHouseException error) {
    }

    /** One batch's search: halves written, halves refused split again, down to single records. */
    private final class Isolation {
        private final ClickHouseException first;
        private final Map<String, Integer> written = new HashMap<>();
        private final List<Found> found = new ArrayList<>();
        private int refusedInserts;

        Isolation(ClickHouseException first) {
            this.first = first;
        }

        void split(RowBatch refused, ClickHouseException error) throws ClickHouseException {
            int records = refused.recordCount();
            if (records == 1) {
                found.add(new Found(refused.source(0), error));
                return;
            }
            for (RowBatch half : List.of(refused.slice(0, records / 2), refused.slice(records / 2, records))) {
                try {
                    writer.write(half).forEach((table, rows) -> written.merge(table, rows, Integer::sum));
                } catch (ClickHouseException e) {
                    if (!ClickHouseErrors.refusesRows(e)) {
                        throw e;
                    }
                    if (++refusedInserts > MAX_REFUSED_INSERTS) {
                        throw new ClickHouseException("more than " + MAX_REFUSED_INSERTS + " refused inserts while"
                                + " looking for the records ClickHouse refuses, which is no record's fault: "
                                + first.getMessage(), first);
                    }
                    split(half, e);
                }
            }
        }
    }
}
