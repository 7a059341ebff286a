package io.probr.control.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A query's text and a name for errors and logs; the texts live in {@code clickhouse/api/*.sql}. A line ending
 * {@code -- if a|b} is kept only when parameter {@code a} or {@code b} has a value (several such markers: all must
 * hold): an optional filter written {@code (p.x = '' OR col = p.x)} would cost ClickHouse 18.16 its index.
 */
public record SqlQuery(String name, String sql) {
    private static final Pattern CONDITION = Pattern.compile("\\s*--\\s*if\\s+([a-z_|]+)");

    /** The text for these parameters: optional lines whose parameters are empty are left out. */
    public String sqlFor(Set<String> present) {
        return sql.lines().map(line -> {
            Matcher m = CONDITION.matcher(line);
            int cut = -1;
            boolean keep = true;
            while (m.find()) {
                cut = cut < 0 ? m.start() : cut;
                boolean any = false;
                for (String name : m.group(1).split("\\|")) {
                    any |= present.contains(name);
                }
                keep &= any;
            }
            return !keep ? null : cut < 0 ? line : line.substring(0, cut);
        }).filter(line -> line != null).collect(Collectors.joining("\n"));
    }

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
