package io.probr.sink.retention;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long ClickHouse keeps each table: the raw rows ({@code events}, {@code tag_executions}) for
 * {@code rawDays}, the windows and the alerting logs for {@code windowsDays}; 0 keeps a table forever. Every
 * table is partitioned by month, and a month goes as a whole once its last day is older than the retention, so
 * a row is kept at least the retention and at most a month longer. Dropping partitions works alike on
 * ClickHouse 18.16, which has no TTL, and on current releases.
 */
public record RetentionPolicy(int rawDays, int windowsDays) {
    public Map<String, Integer> daysByTable() {
        Map<String, Integer> days = new LinkedHashMap<>();
        for (String table : List.of("probr.events", "probr.tag_executions")) {
            days.put(table, rawDays);
        }
        for (String table : List.of("probr.windows", "probr.tag_windows", "probr.alert_executions",
                "probr.webhook_deliveries")) {
            days.put(table, windowsDays);
        }
        return days;
    }

    /** Whether the monthly partition {@code yyyymm} is wholly older than {@code days} before {@code today}. */
    public static boolean isExpired(int yyyymm, int days, LocalDate today) {
        if (days <= 0) {
            return false;
        }
        YearMonth month = YearMonth.of(yyyymm / 100, yyyymm % 100);
        return month.atEndOfMonth().isBefore(today.minusDays(days));
    }
}
