package io.probr.sink.clickhouse;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A batched INSERT into one table: its columns, how one row binds to them in column order, and the time
 * (epoch ms) whose month is the row's partition.
 */
public record TableInsert<R>(String table, List<String> columns, ToLongFunction<R> partitionTimeMs, Binder<R> binder) {

    /** The statement's head; the rows follow it, one TabSeparated line each. */
    public String head() {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") FORMAT TabSeparated\n";
    }

    @FunctionalInterface
    public interface Binder<R> {
        void bind(R row, Params params);
    }

    /** Appends one row's values, in column order, as a TabSeparated line. */
    public static final class Params {
        private final StringBuilder out;
        private int count;

        Params(StringBuilder out) {
            this.out = out;
        }

        void startRow() {
            count = 0;
        }

        void endRow() {
            out.append('\n');
        }

        int count() {
            return count;
        }

        public Params string(String value) {
            separate();
            escape(value, false);
            return this;
        }

        public Params number(long value) {
            separate();
            out.append(value);
            return this;
        }

        public Params flag(boolean value) {
            separate();
            out.append(value ? '1' : '0');
            return this;
        }

        public Params nullableNumber(Long value) {
            separate();
            if (value == null) {
                out.append("\\N");
            } else {
                out.append(value.longValue());
            }
            return this;
        }

        /** An Array literal in TSV: {@code ['a','b']} or {@code [1,2]}. */
        public Params array(List<?> values) {
            separate();
            out.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Object value = values.get(i);
                if (value instanceof Number number) {
                    out.append(number.longValue());
                } else {
                    out.append('\'');
                    escape(String.valueOf(value), true);
                    out.append('\'');
                }
            }
            out.append(']');
            return this;
        }

        private void separate() {
            if (count++ > 0) {
                out.append('\t');
            }
        }

        /** TabSeparated escapes; inside an array literal the quote too. */
        private void escape(String value, boolean quoted) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\0' -> out.append("\\0");
                    case '\'' -> out.append(quoted ? "\\'" : "'");
                    default -> out.append(c);
                }
            }
        }
    }
}
