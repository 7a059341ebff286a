package io.probr.control.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A query's text and a name for errors and logs; the texts live in {@code clickhouse/api/*.sql}. */
public record SqlQuery(String name, String sql) {

    public static SqlQuery resource(String fileName) {
        String path = "/clickhouse/api/" + fileName;
        try (InputStream in = SqlQuery.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing query resource " + path);
            }
            return new SqlQuery(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
