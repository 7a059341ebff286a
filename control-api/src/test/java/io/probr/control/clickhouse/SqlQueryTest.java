package io.probr.control.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlQueryTest {
    private final SqlQuery query = new SqlQuery("q", String.join("\n",
            "SELECT 1 FROM t",
            "WHERE ts >= (SELECT start_ms FROM p)",
            "  AND c = (SELECT c FROM p)  -- if c",
            "  AND x IN (SELECT x FROM u WHERE a = 1  -- if tag|status",
            "    AND c = (SELECT c FROM p)  -- if tag|status  -- if c",
            "  )  -- if tag|status"));

    @Test
    void optionalLinesStayOnlyWhenTheirParametersHaveValues() {
        assertEquals("SELECT 1 FROM t\nWHERE ts >= (SELECT start_ms FROM p)", query.sqlFor(Set.of("start_ms")));
        assertEquals(String.join("\n", "SELECT 1 FROM t", "WHERE ts >= (SELECT start_ms FROM p)",
                "  AND x IN (SELECT x FROM u WHERE a = 1", "  )"), query.sqlFor(Set.of("status")));
        assertEquals(String.join("\n", "SELECT 1 FROM t", "WHERE ts >= (SELECT start_ms FROM p)",
                "  AND c = (SELECT c FROM p)", "  AND x IN (SELECT x FROM u WHERE a = 1",
                "    AND c = (SELECT c FROM p)", "  )"), query.sqlFor(Set.of("c", "tag")));
    }

    @Test
    void emptyStringsAndListsAreAbsentNumbersPresent() {
        Params params = new Params().string("c", "").string("tag", "GA4").strings("names", java.util.List.of())
                .uint64("start_ms", 0);
        assertEquals(Set.of("tag", "start_ms"), params.present());
    }
}
