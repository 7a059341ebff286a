package io.probr.sink.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One numbered migration file from {@code schemas} ({@code clickhouse/migrations/V001__tables.sql}).
 * Statements end with a {@code ;} at the end of a line; {@code --} lines are comments.
 */
public record Migration(int version, String name, String sql) {
    public static final String DIRECTORY = "/clickhouse/migrations/";
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.sql");

    /** The migrations listed, in order, in {@code clickhouse/migrations/index.txt}. */
    public static List<Migration> bundled() throws IOException {
        List<Migration> migrations = new ArrayList<>();
        for (String line : resource("index.txt").split("\n")) {
            String file = line.strip();
            if (!file.isEmpty()) {
                migrations.add(fromFile(file, resource(file)));
            }
        }
        return List.copyOf(migrations);
    }

    static Migration fromFile(String fileName, String sql) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("migration file " + fileName + " is not named V<3 digits>__<a-z0-9_>.sql");
        }
        return new Migration(Integer.parseInt(matcher.group(1)), matcher.group(2), sql);
    }

    public String label() {
        return "V%03d__%s".formatted(version, name);
    }

    /** SHA-256 of the file, to notice a migration edited after it was applied. */
    public String checksum() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> statements() {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = Migration.class.getResourceAsStream(DIRECTORY + file)) {
            if (in == null) {
                throw new IOException(DIRECTORY + file + " is missing from the classpath (schemas jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
