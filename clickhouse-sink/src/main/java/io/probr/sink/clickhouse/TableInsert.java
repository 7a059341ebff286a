package io.probr.sink.clickhouse;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A batched INSERT into one table: its columns, how one row binds to them in column order, and the time
 * (epoch ms) whose month is the row's partition.
 */
public record TableInsert<R>(String table, List<String> columns, ToLongFunction<R> partitionTimeMs, Binder<R> binder) {

    public String sql() {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
    }

    @FunctionalInterface
    public interface Binder<R> {
        void bind(R row, Params params) throws SQLException;
    }

    /** Sets parameters one after the other, so a binder reads in the same order as the column list. */
    public static final class Params {
        private final PreparedStatement statement;
        private int index;

        Params(PreparedStatement statement) {
            this.statement = statement;
        }

        void reset() {
            index = 0;
        }

        int count() {
            return index;
        }

        public Params string(String value) throws SQLException {
            statement.setString(++index, value);
            return this;
        }

        public Params number(long value) throws SQLException {
            statement.setLong(++index, value);
            return this;
        }

        public Params flag(boolean value) throws SQLException {
            statement.setInt(++index, value ? 1 : 0);
            return this;
        }

        public Params nullableNumber(Long value) throws SQLException {
            if (value == null) {
                statement.setNull(++index, Types.BIGINT);
            } else {
                statement.setLong(++index, value);
            }
            return this;
        }

        public Params array(List<?> values) throws SQLException {
            statement.setObject(++index, values);
            return this;
        }
    }
}
