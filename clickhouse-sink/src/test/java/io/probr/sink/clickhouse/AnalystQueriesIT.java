package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.payload.TagStatus;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every documented analyst query runs on ClickHouse 18.16 and gives the expected figures for known rows. */
@ExtendWith(SharedClickHouse.class)
class AnalystQueriesIT {
    private final String container = "GTM-Q" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private ClickHouseHttp clickHouse;
    private String today;

    @BeforeEach
    void storeKnownRows(LocalClickHouse server) throws Exception {
        clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        long now = System.currentTimeMillis() - 1_000;
        today = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC).toString();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        RowBatch rows = new RowBatch();
        PerEventPayload.Ecommerce full = new PerEventPayload.Ecommerce(true, true, true, true);
        PerEventPayload.Ecommerce valueOnly = new PerEventPayload.Ecommerce(true, false, false, false);
        rows.events().add(new Rows.EventRow(first, container, "purchase", now, now, "k", "s", 2, null, full));
        rows.events().add(new Rows.EventRow(second, container, "purchase", now, now, "k", "s", 1, null, valueOnly));
        rows.events().add(new Rows.EventRow(third, container, "page_view", now, now, "k", "s", 1, null, null));
        rows.tagExecutions().add(new Rows.TagExecutionRow(first, 0, container, "purchase", now, "A", "1", "A", TagStatus.SUCCESS, 100L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(first, 1, container, "purchase", now, "B", "2", "B", TagStatus.SUCCESS, 50L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(second, 0, container, "purchase", now, "A", "1", "A", TagStatus.FAILURE, 200L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(third, 0, container, "page_view", now, "A", "1", "A", TagStatus.TIMEOUT, null));
        long start = now - now % 60_000;
        Rows.WindowKey stream = new Rows.WindowKey(Rows.Source.STREAM, container, start, start + 60_000, "final");
        Rows.WindowKey batch = new Rows.WindowKey(Rows.Source.TAG_BATCH, container, start, start + 60_000, first.toString());
        rows.windows().add(new Rows.WindowRow(stream, new BatchedPayload(container, true, start, start + 60_000, 4,
                Map.of("purchase", 4L), Map.of(), new BatchedPayload.UserDataQuality(2, 1, 3, 4), null)));
        rows.tagWindows().add(new Rows.TagWindowRow(batch, "A", new BatchedPayload.TagMetrics(9, 1, 0, 0, 1000, 10)));
        rows.tagWindows().add(new Rows.TagWindowRow(stream, "A", new BatchedPayload.TagMetrics(7, 1, 0, 0, 800, 8)));
        try (ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "")) {
            writer.write(rows);
            writer.write(rows); // a replay: the documented queries must not count it twice
        }
    }

    @Test
    void failureRatePerTagOverTheLastHour() throws Exception {
        assertEquals(lines(container + "\tA\t3\t2\t0.6667", container + "\tB\t1\t0\t0"), run("failure_rate_last_hour.sql"));
    }

    @Test
    void executionTimePercentilesPerTagPerDay() throws Exception {
        assertEquals(lines(today + "\t" + container + "\tA\t2\t200\t200", today + "\t" + container + "\tB\t1\t50\t50"),
                run("execution_time_per_day.sql"));
    }

    @Test
    void tagsThatTimedOutMostThisWeek() throws Exception {
        assertEquals(lines(container + "\tA\t1\t3\t0.3333"), run("timeouts_this_week.sql"));
    }

    @Test
    void enhancedConversionsCoveragePerContainerPerDay() throws Exception {
        assertEquals(lines(today + "\t" + container + "\tstream\t4\t0.5\t0.25\t0.75"), run("enhanced_conversions_coverage.sql"));
    }

    @Test
    void ecommerceCompleteness() throws Exception {
        assertEquals(lines(today + "\t" + container + "\tpurchase\t2\t1\t0.5\t0.5\t0.5\t0.5"), run("ecommerce_completeness.sql"));
    }

    @Test
    void batchedVersusStreamPerWindow() throws Exception {
        String result = run("batch_vs_stream.sql");
        assertEquals(1, result.lines().count(), result);
        assertEquals("A\t10\t8\t2\t1\t1\t0\t1000\t800", result.substring(result.indexOf('\t', container.length() + 1) + 1).strip());
    }

    /** The query's result rows for this test's container (other tests share the server). */
    private String run(String file) throws Exception {
        String result = clickHouse.query(AnalystQueries.all().get(file) + "\nFORMAT TabSeparated");
        return result.lines().filter(line -> line.contains(container)).collect(Collectors.joining("\n"));
    }

    private static String lines(String... rows) {
        return Arrays.stream(rows).collect(Collectors.joining("\n"));
    }
}
