package io.probr.sink.clickhouse;

import java.time.LocalDate;
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
        // on every insert: count months without copying (or boxing) per row, and only group when there are too many
        long[] months = new long[maxMonths];
        int seen = 0;
        for (R row : rows) {
            long month = month(timeMs.applyAsLong(row));
            if (!contains(months, seen, month)) {
                if (seen == maxMonths) {
                    return byMonth(rows, timeMs, maxMonths);
                }
                months[seen++] = month;
            }
        }
        return List.of(rows);
    }

    private static boolean contains(long[] values, int count, long value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    private static <R> List<List<R>> byMonth(List<R> rows, ToLongFunction<R> timeMs, int maxMonths) {
        Map<Long, List<R>> byMonth = new TreeMap<>();
        for (R row : rows) {
            byMonth.computeIfAbsent(month(timeMs.applyAsLong(row)), m -> new ArrayList<>()).add(row);
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

    /** {@code yyyymm} of a UTC time; LocalDate from the epoch day, cheaper than a zoned date-time per row. */
    static long month(long timeMs) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(timeMs, 86_400_000L));
        return date.getYear() * 100L + date.getMonthValue();
    }
}
