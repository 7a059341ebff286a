package io.probr.sink.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedClickHouse.class)
class MigrationRunnerIT {
    private ClickHouseHttp clickHouse;
    private MigrationRunner runner;

    @BeforeEach
    void setUp(LocalClickHouse server) throws Exception {
        clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        runner = new MigrationRunner(clickHouse);
        runner.apply(Migration.bundled());
    }

    @AfterEach
    void forgetTestMigrations() throws Exception {
        clickHouse.query("ALTER TABLE probr.schema_migrations DELETE WHERE version >= 900");
        clickHouse.query("DROP TABLE IF EXISTS probr.migration_test");
    }

    @Test
    void bundledMigrationsAreAppliedOnceAndRecorded() throws Exception {
        assertEquals(List.of(), runner.apply(Migration.bundled()), "a second run applies nothing");
        assertEquals("1\ttables\n2\talerts\n", clickHouse.query(
                "SELECT version, name FROM probr.schema_migrations FINAL WHERE version < 900 ORDER BY version FORMAT TabSeparated"));
        assertEquals("alert_executions\nevents\nschema_migrations\ntag_executions\ntag_windows\nwebhook_deliveries\nwindows\n",
                clickHouse.query("SELECT name FROM system.tables WHERE database = 'probr' ORDER BY name FORMAT TabSeparated"));
    }

    @Test
    void aFailingStatementStopsWithTheMigrationTheStatementAndClickHousesMessage() {
        Migration broken = Migration.fromFile("V901__broken.sql",
                "CREATE TABLE IF NOT EXISTS probr.migration_test (x UInt8) ENGINE = Memory;\nSELECT no_such_column FROM probr.migration_test;\n");
        MigrationException e = assertThrows(MigrationException.class, () -> runner.apply(List.of(broken)));
        assertTrue(e.getMessage().startsWith("migration V901__broken failed at statement 2 of 2 (SELECT no_such_column"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
    }

    @Test
    void aMigrationEditedAfterItWasAppliedIsRefused() throws Exception {
        runner.apply(List.of(Migration.fromFile("V902__edited.sql", "SELECT 1;")));
        MigrationException e = assertThrows(MigrationException.class,
                () -> runner.apply(List.of(Migration.fromFile("V902__edited.sql", "SELECT 2;"))));
        assertTrue(e.getMessage().contains("was changed after it was applied"), e.getMessage());
    }
}
