package io.probr.sink.clickhouse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Splits rows into chunks that each span at most a given number of UTC months (the tables' partitions). */
final class MonthChunks {
    private MonthChunks() {
    }

    /** The rows unchanged when they span few enough months (the usual case), else grouped month by month. */
    static <R> List<List<R>> split(List<R> rows, ToLongFunction<R> timeMs, int maxMonths) {
        Map<Long, List<R>> byMonth = new TreeMap<>();
        for (R row : rows) {
            byMonth.computeIfAbsent(month(timeMs.applyAsLong(row)), m -> new ArrayList<>()).add(row);
        }
        if (byMonth.size() <= maxMonths) {
            return List.of(rows);
        }
        List<List<R>> chunks = new ArrayList<>();
        List<R> chunk = new ArrayList<>();
        int months = 0;
        for (List<R> monthRows : byMonth.values()) {
            if (months == maxMonths) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                months = 0;
            }
            chunk.addAll(monthRows);
            months++;
        }
        chunks.add(chunk);
        return chunks;
    }

    static long month(long timeMs) {
        ZonedDateTime time = Instant.ofEpochMilli(timeMs).atZone(ZoneOffset.UTC);
        return time.getYear() * 100L + time.getMonthValue();
    }
}
