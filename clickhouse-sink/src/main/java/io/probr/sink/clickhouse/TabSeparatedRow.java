package io.probr.sink.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Writes rows in ClickHouse's TabSeparated input format, column after column, so a binder reads in the same
 * order as its column list. Strings are escaped the way ClickHouse reads them back (backslash sequences), and
 * array elements are quoted as in a {@code VALUES} literal, which is how TabSeparated reads arrays.
 */
public final class TabSeparatedRow {
    private final OutputStream out;
    private final byte[] digits = new byte[20];
    private int columns;

    TabSeparatedRow(OutputStream out) {
        this.out = out;
    }

    /** Columns written since the last {@link #end()}. */
    int columns() {
        return columns;
    }

    void end() throws IOException {
        out.write('\n');
        columns = 0;
    }

    public TabSeparatedRow string(String value) throws IOException {
        separate();
        escaped(value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** An unsigned integer column (every number Probr stores is one). */
    public TabSeparatedRow number(long value) throws IOException {
        separate();
        digits(value);
        return this;
    }

    public TabSeparatedRow flag(boolean value) throws IOException {
        separate();
        out.write(value ? '1' : '0');
        return this;
    }

    public TabSeparatedRow nullableNumber(Long value) throws IOException {
        if (value == null) {
            separate();
            out.write('\\');
            out.write('N');
            return this;
        }
        return number(value);
    }

    public TabSeparatedRow strings(Collection<String> values) throws IOException {
        separate();
        out.write('[');
        boolean first = true;
        for (String value : values) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.write('\'');
            escaped(value.getBytes(StandardCharsets.UTF_8));
            out.write('\'');
        }
        out.write(']');
        return this;
    }

    public TabSeparatedRow numbers(Collection<Long> values) throws IOException {
        separate();
        out.write('[');
        boolean first = true;
        for (long value : values) {
            if (!first) {
                out.write(',');
            }
            first = false;
            digits(value);
        }
        out.write(']');
        return this;
    }

    private void separate() throws IOException {
        if (columns++ > 0) {
            out.write('\t');
        }
    }

    /** UTF-8 never puts an ASCII byte inside a multi-byte character, so escaping byte by byte is exact. */
    private void escaped(byte[] bytes) throws IOException {
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte escape = escapeOf(bytes[i]);
            if (escape != 0) {
                out.write(bytes, from, i - from);
                out.write('\\');
                out.write(escape);
                from = i + 1;
            }
        }
        out.write(bytes, from, bytes.length - from);
    }

    private static byte escapeOf(byte b) {
        return switch (b) {
            case '\\' -> '\\';
            case '\'' -> '\'';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case 0 -> '0';
            case '\b' -> 'b';
            case '\f' -> 'f';
            default -> 0;
        };
    }

    private void digits(long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("negative value for an unsigned column: " + value);
        }
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        out.write(digits, at, digits.length - at);
    }
}
