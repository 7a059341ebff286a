package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.probr.sink.mapping.RowBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RowBinary the sink writes for {@link BoundaryRows}, kept as files that both engines load: 18.16 in
 * {@code ClickHouseWriterIT}, the current release through chDB in {@code .ci/chdb_check.py}, each compared with
 * the rows the {@code .tsv} beside them expects. After a deliberate change of the encoding, rewrite them with
 * {@code -Dprobr.rowbinary.regenerate=true}.
 */
class RowBinaryGoldenTest {
    static final String CONTAINER = "GTM-GOLDEN";
    static final Path DIR = Path.of("src/test/resources/rowbinary");

    @Test
    void theWriterGivesTheKeptBytesForEveryTable() throws IOException {
        RowBatch rows = BoundaryRows.of(CONTAINER);
        assertKept(ProbrTables.EVENTS, rows.events());
        assertKept(ProbrTables.TAG_EXECUTIONS, rows.tagExecutions());
        assertKept(ProbrTables.WINDOWS, rows.windows());
        assertKept(ProbrTables.TAG_WINDOWS, rows.tagWindows());
    }

    private static <R> void assertKept(TableInsert<R> table, List<R> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.writeRowBinary(rows, out);
        Path file = DIR.resolve(table.table() + ".bin");
        if (Boolean.getBoolean("probr.rowbinary.regenerate")) {
            Files.write(file, out.toByteArray());
        }
        assertArrayEquals(Files.readAllBytes(file), out.toByteArray(), table.table());
    }
}
