package io.probr.sink.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A batched INSERT into one table: its columns, how one row is written to them in column order, and the
 * time (epoch ms) whose month is the row's partition.
 */
public record TableInsert<R>(String table, List<Column> columns, ToLongFunction<R> partitionTimeMs, Binder<R> binder) {

    public TableInsert {
        columns = List.copyOf(columns);
    }

    @FunctionalInterface
    public interface Binder<R> {
        void bind(R row, RowBinaryRow out) throws IOException;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** Writes the rows as the RowBinary body of the INSERT; a binder that skips, adds or mistypes a column is a bug. */
    public void writeRowBinary(List<R> rows, OutputStream out) throws IOException {
        RowBinaryRow row = new RowBinaryRow(out, table, columns);
        for (R value : rows) {
            binder.bind(value, row);
            row.end();
        }
        row.flush();
    }
}
