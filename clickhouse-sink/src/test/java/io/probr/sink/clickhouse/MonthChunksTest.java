package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MonthChunksTest {
    @Test
    void rowsWithinTheLimitStayOneInsert() {
        List<Long> rows = List.of(month(2024, 1), month(2024, 2), month(2024, 2) + 5);
        List<List<Long>> chunks = MonthChunks.split(rows, Long::longValue, 50);
        assertEquals(1, chunks.size());
        assertSame(rows, chunks.get(0));
    }

    @Test
    void rowsOverManyMonthsAreSplitWithEveryRowKeptOnce() {
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            rows.add(month(2000 + i / 12, 1 + i % 12));
            rows.add(month(2000 + i / 12, 1 + i % 12) + 1_000);
        }
        rows.add(253402300799000L);   // 9999-12-31T23:59:59Z, the schema's largest time
        List<List<Long>> chunks = MonthChunks.split(rows, Long::longValue, 50);
        assertEquals(3, chunks.size());
        List<Long> all = new ArrayList<>();
        for (List<Long> chunk : chunks) {
            Set<Long> months = new HashSet<>();
            chunk.forEach(time -> months.add(MonthChunks.month(time)));
            assertTrue(months.size() <= 50, "months in one insert: " + months.size());
            all.addAll(chunk);
        }
        assertEquals(rows.size(), all.size());
        assertEquals(new HashSet<>(rows), new HashSet<>(all));
    }

    private static long month(int year, int month) {
        return ZonedDateTime.of(year, month, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
