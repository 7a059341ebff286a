package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.TagStatus;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the writer sends is what ClickHouse stores: every column in the table's own type, every value at its
 * bounds, and whatever text a tag sends byte for byte (the edge accepts any JSON string).
 */
@ExtendWith(SharedClickHouse.class)
class ClickHouseWriterIT {
    private static final String HOSTILE = "tab\there\nnew line\\back'quote\"double\rcr\0nul\bbs\fff é 😀 \\N";

    /** RowBinary encodes each value as its declared type: the declarations must be the tables' own. */
    @Test
    void everyInsertWritesEveryColumnOfItsTableInTheTablesType(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = migrated(server);
        for (TableInsert<?> insert : ProbrTables.ALL) {
            String[] table = insert.table().split("\\.");
            String declared = insert.columns().stream().map(c -> c.name() + "\t" + c.type() + "\n")
                    .collect(Collectors.joining());
            assertEquals(clickHouse.query("SELECT name, type FROM system.columns WHERE database = '" + table[0]
                    + "' AND table = '" + table[1] + "' AND default_kind != 'MATERIALIZED' FORMAT TabSeparatedRaw"),
                    declared, insert.table());
        }
    }

    @Test
    void valuesAtTheirBoundsRoundTripExactly(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = migrated(server);
        String container = "GTM-B" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        try (ClickHouseWriter writer = new ClickHouseWriter(server.httpUrl(), "default", "")) {
            writer.write(BoundaryRows.of(container));
        }

        String id = BoundaryRows.INGEST_ID.toString();
        long latest = BoundaryRows.LATEST_MS;
        String where = " WHERE container_id = '" + container + "' FORMAT TabSeparated";
        assertEquals(id + "\te\t" + latest + "\t" + Long.MAX_VALUE + "\tk\ts\t500\t1\t1\t0\t1\t0\t1\t0\t1\t0\t1\t0\t1\n",
                clickHouse.query("SELECT ingest_id, event_name, timestamp_ms, received_at_ms, key_id, site_id, tag_count,"
                        + " has_user_data, has_email, has_phone, has_first_name, has_last_name, has_city, has_country,"
                        + " has_ecommerce, has_value, has_currency, has_transaction_id, has_items FROM probr.events" + where));
        assertEquals(id + "\t0\tsuccess\t\\N\n" + id + "\t499\ttimeout\t4294967295\n",
                clickHouse.query("SELECT ingest_id, tag_index, status, execution_ms FROM probr.tag_executions" + where
                        .replace(" FORMAT", " ORDER BY tag_index FORMAT")));
        assertEquals("tag_batch\t0\t" + latest + "\tp\t" + Long.MAX_VALUE + "\t['page_view','purchase']\t[3,"
                        + Long.MAX_VALUE + "]\t1\t2\t3\t4\t5\t6\t7\t8\t9\n",
                clickHouse.query("SELECT source, window_start_ms, window_end_ms, window_part, total_events,"
                        + " event_counts.event_name, event_counts.count, user_data_email, user_data_phone,"
                        + " user_data_address, user_data_total, ecommerce_value, ecommerce_currency,"
                        + " ecommerce_transaction_id, ecommerce_items, ecommerce_total FROM probr.windows" + where
                        .replace(" FORMAT", " AND source = 'tag_batch' FORMAT")));
        assertEquals("tag_batch\tt\t1\t2\t3\t4\t" + Long.MAX_VALUE + "\t10\n", clickHouse.query(
                "SELECT source, tag, success, failure, timeout, exception, total_exec_ms, count FROM probr.tag_windows" + where));
    }

    /** The kept RowBinary files load on 18.16 as the rows their .tsv expects (chDB checks the current engine). */
    @Test
    void theKeptRowBinaryFilesLoadAsTheirExpectedRows(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = migrated(server);
        HttpClient http = HttpClient.newHttpClient();
        for (TableInsert<?> insert : ProbrTables.ALL) {
            String columns = String.join(", ", insert.columnNames());
            String sql = "INSERT INTO " + insert.table() + " (" + columns + ") FORMAT RowBinary";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/?query="
                            + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofFile(RowBinaryGoldenTest.DIR.resolve(insert.table() + ".bin")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(Files.readString(RowBinaryGoldenTest.DIR.resolve(insert.table() + ".tsv")),
                    clickHouse.query("SELECT " + columns + " FROM " + insert.table() + " FINAL WHERE container_id = '"
                            + RowBinaryGoldenTest.CONTAINER + "' ORDER BY " + columns + " FORMAT TabSeparated"),
                    insert.table());
        }
    }

    private static ClickHouseHttp migrated(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        return clickHouse;
    }

    @Test
    void hostileStringsRoundTripExactly(LocalClickHouse server) throws Exception {
        ClickHouseHttp clickHouse = migrated(server);
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
