package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.BatchedPayload;
import io.probr.schemas.TagStatus;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whatever text a tag sends arrives in ClickHouse byte for byte: the edge accepts any JSON string. */
@ExtendWith(SharedClickHouse.class)
class ClickHouseWriterIT {
    private static final String HOSTILE = "tab\there\nnew line\\back'quote\"double\rcr\0nul\bbs\fff é 😀 \\N";

    @Test
    void hostileStringsRoundTripExactly(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        String container = "GTM-W" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        long now = System.currentTimeMillis();
        UUID ingestId = UUID.randomUUID();
        RowBatch rows = new RowBatch();
        rows.events().add(new Rows.EventRow(ingestId, container, HOSTILE, now, now, "", HOSTILE, 1, null, null));
        rows.tagExecutions().add(new Rows.TagExecutionRow(ingestId, 0, container, HOSTILE, now, HOSTILE, "7", HOSTILE,
                TagStatus.EXCEPTION, null));
        Rows.WindowKey key = new Rows.WindowKey(Rows.Source.STREAM, container, now - 60_000, now, "final");
        rows.windows().add(new Rows.WindowRow(key, new BatchedPayload(container, true, now - 60_000, now, 3,
                Map.of(HOSTILE, 2L, "page_view", 1L), Map.of(), null, null)));
        rows.tagWindows().add(new Rows.TagWindowRow(key, HOSTILE, new BatchedPayload.TagMetrics(1, 0, 0, 0, 0, 1)));
        try (ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "")) {
            assertEquals(Map.of("probr.events", 1, "probr.tag_executions", 1, "probr.windows", 1, "probr.tag_windows", 1),
                    writer.write(rows));
        }

        String hostile = "unhex('" + HexFormat.of().formatHex(HOSTILE.getBytes(StandardCharsets.UTF_8)) + "')";
        assertEquals("1\t" + ingestId + "\t1\t0\n", clickHouse.query("SELECT count(), any(ingest_id), any(site_id = " + hostile
                + "), any(has_user_data) FROM probr.events WHERE container_id = '" + container + "' AND event_name = " + hostile
                + " FORMAT TabSeparated"));
        assertEquals("1\texception\t1\n", clickHouse.query("SELECT count(), any(status), any(isNull(execution_ms))"
                + " FROM probr.tag_executions WHERE container_id = '" + container + "' AND event_name = " + hostile
                + " AND tag = " + hostile + " AND tag_name = " + hostile + " FORMAT TabSeparated"));
        // names sorted: page_view, then the hostile one
        assertEquals("1\t[1,2]\n", clickHouse.query(
                "SELECT has(event_counts.event_name, " + hostile + "), event_counts.count FROM probr.windows"
                        + " WHERE container_id = '" + container + "' FORMAT TabSeparated"));
        assertEquals("1\n", clickHouse.query("SELECT count() FROM probr.tag_windows WHERE container_id = '" + container
                + "' AND tag = " + hostile + " FORMAT TabSeparated"));
    }
}
