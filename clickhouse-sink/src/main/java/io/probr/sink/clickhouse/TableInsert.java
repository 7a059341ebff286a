package io.probr.sink.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A batched INSERT into one table: its columns, how one row is written to them in column order, and the
 * time (epoch ms) whose month is the row's partition.
 */
public record TableInsert<R>(String table, List<String> columns, ToLongFunction<R> partitionTimeMs, Binder<R> binder) {

    @FunctionalInterface
    public interface Binder<R> {
        void bind(R row, TabSeparatedRow out) throws IOException;
    }

    /** Writes the rows as the TabSeparated body of the INSERT; a binder that skips or adds a column is a bug. */
    void writeTabSeparated(List<R> rows, OutputStream out) throws IOException {
        TabSeparatedRow row = new TabSeparatedRow(out);
        for (R value : rows) {
            binder.bind(value, row);
            if (row.columns() != columns.size()) {
                throw new IllegalStateException(table + ": wrote " + row.columns() + " of " + columns.size() + " columns");
            }
            row.end();
        }
    }
}
