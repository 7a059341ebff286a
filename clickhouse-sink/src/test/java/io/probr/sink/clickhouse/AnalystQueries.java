package io.probr.sink.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The documented analyst queries, from {@code schemas} ({@code clickhouse/queries/}), by file name. */
final class AnalystQueries {
    private AnalystQueries() {
    }

    static Map<String, String> all() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String file : read("index.txt").split("\n")) {
            if (!file.isBlank()) {
                queries.put(file.strip(), read(file.strip()));
            }
        }
        return queries;
    }

    private static String read(String file) throws IOException {
        try (InputStream in = AnalystQueries.class.getResourceAsStream("/clickhouse/queries/" + file)) {
            if (in == null) {
                throw new IOException("missing query " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
