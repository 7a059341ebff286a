package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableInsertTest {
    @Test
    void valuesAreWrittenAsOneTabSeparatedLineWithEscapes() {
        StringBuilder out = new StringBuilder();
        TableInsert.Params row = new TableInsert.Params(out);
        row.startRow();
        row.string("a\tb\nc\\d'e\r\0").number(-42).flag(true).flag(false).nullableNumber(null).nullableNumber(7L)
                .array(List.of("x'y", "z\\")).array(List.of(1L, 2L)).array(List.of());
        row.endRow();
        assertEquals(9, row.count());
        assertEquals("a\\tb\\nc\\\\d'e\\r\\0\t-42\t1\t0\t\\N\t7\t['x\\'y','z\\\\']\t[1,2]\t[]\n", out.toString());
    }

    @Test
    void theHeadNamesTheColumns() {
        TableInsert<String> insert = new TableInsert<>("probr.t", List.of("a", "b"), value -> 0L, (value, p) -> p.string(value));
        assertEquals("INSERT INTO probr.t (a, b) FORMAT TabSeparated\n", insert.head());
    }
}
