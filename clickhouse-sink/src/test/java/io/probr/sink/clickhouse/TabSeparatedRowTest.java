package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabSeparatedRowTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final TabSeparatedRow row = new TabSeparatedRow(out);

    @Test
    void columnsAreTabSeparatedAndRowsEndWithANewline() throws IOException {
        row.string("purchase").number(0).number(Long.MAX_VALUE).flag(true).flag(false).nullableNumber(null)
                .nullableNumber(5000L);
        assertEquals(7, row.columns());
        row.end();
        row.number(42);
        row.end();
        assertEquals("purchase\t0\t9223372036854775807\t1\t0\t\\N\t5000\n42\n", written());
    }

    @Test
    void stringsAreEscapedTheWayClickHouseReadsThemBack() throws IOException {
        row.string("a\tb\nc\\d'e\rf\0g\bh\fi \"é😀");
        row.end();
        assertEquals("a\\tb\\nc\\\\d\\'e\\rf\\0g\\bh\\fi \"é😀\n", written());
    }

    @Test
    void arraysAreQuotedLiterals() throws IOException {
        row.strings(List.of("page_view", "it's", "tab\there")).numbers(List.of(3L, 0L)).strings(List.of()).numbers(List.of());
        row.end();
        assertEquals("['page_view','it\\'s','tab\\there']\t[3,0]\t[]\t[]\n", written());
    }

    @Test
    void aNegativeValueForAnUnsignedColumnIsABug() {
        assertThrows(IllegalArgumentException.class, () -> row.number(-1));
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
