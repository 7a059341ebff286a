package io.probr.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import io.probr.sink.mapping.RowBatch;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writes a {@link RowBatch} with one INSERT per table (more when the rows span many months), each streamed as
 * a RowBinary body ({@link RowBinaryRow}) through clickhouse-java's client-v2 — the client clickhouse-jdbc is
 * built on. The JDBC driver renders a batch as one SQL text, escaping every value into it: 2–4x the sink's CPU
 * per row and multi-megabyte strings for the GC, measured in issue 6. Not atomic across tables: a failure
 * part-way leaves some tables written, and the retry writes them again, which the ReplacingMergeTree keys make
 * harmless.
 */
public final class ClickHouseWriter implements AutoCloseable {
    /**
     * Current ClickHouse refuses an INSERT touching more than 100 partitions (max_partitions_per_insert_block),
     * which a batch of events with wild timestamps would, and the retry would fail forever. 50 of our months
     * stay within 100 partitions even where ClickHouse's date arithmetic on far-future times differs from ours.
     */
    static final int MAX_MONTHS_PER_INSERT = 50;
    private static final long INSERT_TIMEOUT_SECONDS = 120;

    private final Client client;
    private final ExecutorService alongside = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "sink-insert-events");
        thread.setDaemon(true);
        return thread;
    });

    public ClickHouseWriter(String httpUrl, String user, String password) {
        this.client = new Client.Builder()
                .addEndpoint(httpUrl)
                .setUsername(user)
                .setPassword(password)
                .setConnectTimeout(5, ChronoUnit.SECONDS)
                .setSocketTimeout(INSERT_TIMEOUT_SECONDS, ChronoUnit.SECONDS)
                // 18.16 cannot compress what the client-v2 decoder expects; inserts answer almost nothing anyway
                .compressServerResponse(false)
                // the sink retries whole batches itself, with backoff, and knows when to stop consuming
                .setMaxRetries(0)
                .build();
    }

    /**
     * Inserts every row; returns rows written per table. On failure nothing should be committed upstream. The
     * events go in on a second connection while the other tables are written: ClickHouse parses each INSERT
     * on one thread, and the two big tables together then take the time of the bigger one.
     */
    public Map<String, Integer> write(RowBatch batch) throws ClickHouseException {
        Future<Integer> events = alongside.submit(() -> insert(ProbrTables.EVENTS, batch.events()));
        Map<String, Integer> written = new LinkedHashMap<>();
        try {
            put(written, ProbrTables.TAG_EXECUTIONS, insert(ProbrTables.TAG_EXECUTIONS, batch.tagExecutions()));
            put(written, ProbrTables.WINDOWS, insert(ProbrTables.WINDOWS, batch.windows()));
            put(written, ProbrTables.TAG_WINDOWS, insert(ProbrTables.TAG_WINDOWS, batch.tagWindows()));
        } finally {
            // awaited even after a failure, so that a retry never runs two INSERTs into one table at once
            put(written, ProbrTables.EVENTS, await(events));
        }
        return written;
    }

    private static int await(Future<Integer> events) throws ClickHouseException {
        try {
            return events.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ClickHouseException failure ? failure : failed(ProbrTables.EVENTS, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(ProbrTables.EVENTS, e);
        }
    }

    private static void put(Map<String, Integer> written, TableInsert<?> table, int rows) {
        if (rows > 0) {
            written.put(table.table(), rows);
        }
    }

    private <R> int insert(TableInsert<R> table, List<R> rows) throws ClickHouseException {
        for (List<R> chunk : rows.isEmpty() ? List.<List<R>>of()
                : MonthChunks.split(rows, table.partitionTimeMs(), MAX_MONTHS_PER_INSERT)) {
            insertChunk(table, chunk);
        }
        return rows.size();
    }

    private <R> void insertChunk(TableInsert<R> table, List<R> rows) throws ClickHouseException {
        try (InsertResponse ignored = client.insert(table.table(), table.columnNames(),
                        out -> table.writeRowBinary(rows, out), ClickHouseFormat.RowBinary, new InsertSettings())
                .get(INSERT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // the answer of an INSERT carries nothing we need
        } catch (ExecutionException e) {
            throw failed(table, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(table, e);
        } catch (Exception e) {
            // a timeout, or client-v2's own unchecked errors (server, connection), some thrown before any future
            throw failed(table, e);
        }
    }

    private static ClickHouseException failed(TableInsert<?> table, Throwable cause) {
        return new ClickHouseException("INSERT INTO " + table.table() + " failed: " + cause, cause);
    }

    @Override
    public void close() {
        alongside.shutdownNow();
        client.close();
    }
}
