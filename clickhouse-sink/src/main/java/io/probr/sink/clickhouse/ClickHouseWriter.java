package io.probr.sink.clickhouse;

import io.probr.sink.mapping.RowBatch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes a {@link RowBatch} with clickhouse-jdbc batch INSERTs, one per table (more when the rows span
 * many months). Not atomic across tables: a failure part-way leaves some tables written, and the retry
 * writes them again, which the ReplacingMergeTree keys make harmless.
 */
public final class ClickHouseWriter implements AutoCloseable {
    /**
     * Current ClickHouse refuses an INSERT touching more than 100 partitions (max_partitions_per_insert_block),
     * which a batch of events with wild timestamps would, and the retry would fail forever. 50 of our months
     * stay within 100 partitions even where ClickHouse's date arithmetic on far-future times differs from ours.
     */
    static final int MAX_MONTHS_PER_INSERT = 50;

    private final String jdbcUrl;
    private final Properties properties;
    private Connection connection;

    public ClickHouseWriter(String httpUrl, String user, String password) {
        this.jdbcUrl = "jdbc:clickhouse:" + httpUrl + "/probr";
        this.properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
    }

    /** Inserts every row; returns rows written per table. On failure nothing should be committed upstream. */
    public Map<String, Integer> write(RowBatch batch) throws SQLException {
        Map<String, Integer> written = new LinkedHashMap<>();
        try {
            insert(ProbrTables.EVENTS, batch.events(), written);
            insert(ProbrTables.TAG_EXECUTIONS, batch.tagExecutions(), written);
            insert(ProbrTables.WINDOWS, batch.windows(), written);
            insert(ProbrTables.TAG_WINDOWS, batch.tagWindows(), written);
            return written;
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private <R> void insert(TableInsert<R> table, List<R> rows, Map<String, Integer> written) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        for (List<R> chunk : MonthChunks.split(rows, table.partitionTimeMs(), MAX_MONTHS_PER_INSERT)) {
            insertChunk(table, chunk);
        }
        written.put(table.table(), rows.size());
    }

    private <R> void insertChunk(TableInsert<R> table, List<R> rows) throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(table.sql())) {
            // no {fn ...} escapes in our SQL; otherwise the driver runs a regex over every batch's whole text
            statement.setEscapeProcessing(false);
            TableInsert.Params params = new TableInsert.Params(statement);
            for (R row : rows) {
                params.reset();
                table.binder().bind(row, params);
                if (params.count() != table.columns().size()) {
                    throw new IllegalStateException(table.table() + ": bound " + params.count() + " of "
                            + table.columns().size() + " columns");
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(jdbcUrl, properties);
        }
        return connection;
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is being replaced after a failure; its own close error adds nothing
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
