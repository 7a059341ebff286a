package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/clickhouse.md shows the analyst queries exactly as they are tested (here on 18.16, in CI on chDB). */
class AnalystQueriesDocumentedTest {

    @Test
    void everyQueryFileIsIndexedAndQuotedVerbatimInTheDocs() throws Exception {
        Map<String, String> queries = AnalystQueries.all();
        try (Stream<Path> dir = Files.list(Path.of("../schemas/src/main/resources/clickhouse/queries"))) {
            assertEquals(dir.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList(),
                    queries.keySet().stream().sorted().toList());
        }
        String doc = Files.readString(Path.of("../docs/clickhouse.md"));
        queries.forEach((file, sql) -> assertTrue(doc.contains("```sql\n" + sql + "```"),
                "docs/clickhouse.md must quote clickhouse/queries/" + file + " verbatim in a ```sql block"));
    }
}
