package io.probr.sink.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void everyMigrationFileIsListedInTheIndexInOrder() throws Exception {
        List<Migration> bundled = Migration.bundled();
        List<String> files;
        try (Stream<Path> dir = Files.list(Path.of("../schemas/src/main/resources/clickhouse/migrations"))) {
            files = dir.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
        assertEquals(files, bundled.stream().map(m -> m.label() + ".sql").toList());
        for (int i = 0; i < bundled.size(); i++) {
            assertEquals(i + 1, bundled.get(i).version(), "versions are 1, 2, 3... without gaps");
        }
    }

    @Test
    void statementsAreSplitAtSemicolonsEndingALineAndCommentsAreDropped() {
        Migration migration = Migration.fromFile("V007__demo.sql", """
                -- a comment; with a semicolon
                CREATE TABLE a (x UInt8)
                ENGINE = Memory;

                -- another
                INSERT INTO a VALUES (1);
                SELECT 'no trailing semicolon'
                """);
        assertEquals(List.of("CREATE TABLE a (x UInt8)\nENGINE = Memory", "INSERT INTO a VALUES (1)",
                "SELECT 'no trailing semicolon'"), migration.statements());
        assertEquals(7, migration.version());
        assertEquals("V007__demo", migration.label());
    }

    @Test
    void badlyNamedFilesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Migration.fromFile("001-tables.sql", "SELECT 1"));
        assertTrue(e.getMessage().contains("V<3 digits>__"));
    }

    @Test
    void checksumChangesWithTheText() {
        assertTrue(!Migration.fromFile("V001__a.sql", "SELECT 1").checksum()
                .equals(Migration.fromFile("V001__a.sql", "SELECT 2").checksum()));
    }
}
