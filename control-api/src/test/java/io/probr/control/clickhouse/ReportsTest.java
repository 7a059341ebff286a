package io.probr.control.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.control.http.ApiError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {
    private static final TimeRange DAY = new TimeRange(Instant.parse("2026-12-02T00:00:00Z"),
            Instant.parse("2026-12-03T00:00:00Z"));
    /** Kept in the repository: .ci/chdb_check.py runs it on the current ClickHouse engine. */
    private static final Path GOLDEN = Path.of("src/test/resources/clickhouse/report-all.sql");

    @Test
    void theQueryForEveryDimensionMetricAndFilterIsTheOneTheCurrentEngineChecks() throws Exception {
        Reports.Request everything = new Reports.Request(List.copyOf(Reports.DIMENSIONS.keySet()),
                List.copyOf(Reports.METRICS.keySet()), Map.of("container_id", List.of("GTM-CHDB"), "tag", List.of("GA4"),
                "status", List.of("success"), "event_name", List.of("purchase")), DAY);
        String sql = "-- params: " + Reports.params(everything).structure() + "\n" + new Reports(null, 10_000).sql(everything) + "\n";
        assertEquals(Files.readString(GOLDEN), sql, "regenerate " + GOLDEN + " if the change is intended");
    }

    @Test
    void namesOffTheListsAreRefusedNamingTheField() {
        ApiError metric = assertThrows(ApiError.class, () -> new Reports.Request(List.of(), List.of("count() --"),
                Map.of(), DAY));
        assertEquals("metrics", metric.field());
        ApiError dimension = assertThrows(ApiError.class, () -> new Reports.Request(List.of("1; DROP"),
                List.of("executions"), Map.of(), DAY));
        assertEquals("group_by", dimension.field());
        ApiError filter = assertThrows(ApiError.class, () -> new Reports.Request(List.of(), List.of("executions"),
                Map.of("ingest_id", List.of("x")), DAY));
        assertEquals("filters", filter.field());
        assertTrue(assertThrows(ApiError.class, () -> new Reports.Request(List.of(), List.of(), Map.of(), DAY))
                .getMessage().contains("executions"));
    }

    @Test
    void filterValuesNeverReachTheSqlText() {
        String hostile = "x') OR 1=1 --";
        String sql = new Reports(null, 100).sql(new Reports.Request(List.of("tag"), List.of("executions"),
                Map.of("tag", List.of(hostile)), DAY));
        assertTrue(!sql.contains(hostile) && sql.contains("tag IN (SELECT arrayJoin(f_tag) FROM p)"), sql);
    }
}
