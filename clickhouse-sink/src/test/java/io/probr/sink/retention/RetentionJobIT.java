package io.probr.sink.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retention on ClickHouse 18.16: whole months go, the rest of the table and the other tables stay. */
@ExtendWith(SharedClickHouse.class)
class RetentionJobIT {
    private static final Clock DEC_3_2026 = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
    private static final String CONTAINER = "GTM-RETENTION";
    private ClickHouseHttp clickHouse;

    @BeforeEach
    void setUp(LocalClickHouse server) throws Exception {
        clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        forget();
    }

    @AfterEach
    void forget() throws Exception {
        for (String table : List.of("events", "windows")) {
            clickHouse.query("ALTER TABLE probr." + table + " DELETE WHERE container_id = '" + CONTAINER + "'");
        }
    }

    @Test
    void expiredMonthsAreDroppedAndTheRestIsKept() throws Exception {
        // events: 2024-01 and 2026-10 expire after 30 days; 2026-11 stays
        insertEvent("2024-01-15T12:00:00Z");
        insertEvent("2026-10-31T23:59:59Z");
        insertEvent("2026-11-02T00:00:00Z");
        insertEvent("2026-12-02T00:00:00Z");
        // windows: 400 days before 2026-12-03 is 2025-10-29: September 2025 goes, October 2025 stays
        insertWindow("2025-09-30T23:59:00Z");
        insertWindow("2025-10-01T00:00:00Z");

        List<String> dropped = new RetentionJob(clickHouse, new RetentionPolicy(30, 400), DEC_3_2026).dropExpired();

        assertEquals(true, dropped.containsAll(List.of("probr.events/202401", "probr.events/202610",
                "probr.windows/202509")), dropped.toString());
        assertEquals("2026-11-02\n2026-12-02\n", clickHouse.query("SELECT toString(toDate(event_time)) FROM probr.events"
                + " WHERE container_id = '" + CONTAINER + "' ORDER BY event_time FORMAT TabSeparated"));
        assertEquals("2025-10-01\n", clickHouse.query("SELECT toString(toDate(window_start)) FROM probr.windows"
                + " WHERE container_id = '" + CONTAINER + "' FORMAT TabSeparated"));
        assertEquals(List.of(), new RetentionJob(clickHouse, new RetentionPolicy(30, 400), DEC_3_2026).dropExpired()
                .stream().filter(p -> p.endsWith("202401") || p.endsWith("202610")).toList(), "a second run drops nothing more");
    }

    @Test
    void zeroDaysKeepsEverything() throws Exception {
        insertEvent("2024-01-15T12:00:00Z");
        new RetentionJob(clickHouse, new RetentionPolicy(0, 0), DEC_3_2026).dropExpired();
        assertEquals("1\n", clickHouse.query("SELECT count() FROM probr.events WHERE container_id = '" + CONTAINER
                + "' FORMAT TabSeparated"));
    }

    private void insertEvent(String at) throws Exception {
        clickHouse.query("INSERT INTO probr.events (ingest_id, container_id, event_name, timestamp_ms) VALUES"
                + " ('" + java.util.UUID.randomUUID() + "', '" + CONTAINER + "', 'page_view', " + Instant.parse(at).toEpochMilli() + ")");
    }

    private void insertWindow(String start) throws Exception {
        long ms = Instant.parse(start).toEpochMilli();
        clickHouse.query("INSERT INTO probr.windows (source, container_id, window_start_ms, window_end_ms, window_part)"
                + " VALUES ('stream', '" + CONTAINER + "', " + ms + ", " + (ms + 60_000) + ", 'final')");
    }
}
