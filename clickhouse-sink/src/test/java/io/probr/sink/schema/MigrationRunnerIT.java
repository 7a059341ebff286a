package io.probr.sink.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.SharedClickHouse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
        clickHouse.query("DROP TABLE IF EXISTS " + MigrationLock.TABLE);
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

    @Test
    void sinksStartingTogetherApplyAMigrationOnce() throws Exception {
        // Not re-runnable (no IF NOT EXISTS), and slow enough that without the lock both would read an empty history.
        Migration racy = Migration.fromFile("V903__racy.sql",
                "SELECT sleep(1);\nCREATE TABLE probr.migration_test (x UInt8) ENGINE = Memory;\n");
        MigrationRunner other = new MigrationRunner(clickHouse);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Callable<List<String>> first = () -> { start.await(); return runner.apply(List.of(racy)); };
            Callable<List<String>> second = () -> { start.await(); return other.apply(List.of(racy)); };
            Future<List<String>> a = pool.submit(first);
            Future<List<String>> b = pool.submit(second);
            start.countDown();
            List<String> applied = new ArrayList<>(a.get(30, TimeUnit.SECONDS));
            applied.addAll(b.get(30, TimeUnit.SECONDS));
            assertEquals(List.of("V903__racy"), applied, "exactly one of the two applied it");
        } finally {
            pool.shutdownNow();
        }
        assertEquals("0\n", clickHouse.query("EXISTS TABLE " + MigrationLock.TABLE + " FORMAT TabSeparated"),
                "the lock is released");
    }

    @Test
    void aHeldLockMakesTheOtherSinkWaitThenFailWithTheHolder() throws Exception {
        clickHouse.query("CREATE TABLE " + MigrationLock.TABLE + " ENGINE = Log AS SELECT 'other-sink' AS owner, now() AS acquired_at");
        MigrationRunner impatient = new MigrationRunner(clickHouse, Duration.ofMillis(600), Duration.ofMinutes(10));
        MigrationException e = assertThrows(MigrationException.class,
                () -> impatient.apply(List.of(Migration.fromFile("V904__blocked.sql", "SELECT 1;"))));
        assertTrue(e.getMessage().contains("held by process other-sink"), e.getMessage());
        assertEquals("", clickHouse.query("SELECT version FROM probr.schema_migrations FINAL WHERE version = 904"),
                "nothing applied without the lock");
    }

    @Test
    void aStaleLockLeftByADeadSinkIsBroken() throws Exception {
        clickHouse.query("CREATE TABLE " + MigrationLock.TABLE
                + " ENGINE = Log AS SELECT 'dead-sink' AS owner, now() - 3600 AS acquired_at");
        MigrationRunner patient = new MigrationRunner(clickHouse, Duration.ofSeconds(5), Duration.ofMinutes(10));
        assertEquals(List.of("V905__after_stale"),
                patient.apply(List.of(Migration.fromFile("V905__after_stale.sql", "SELECT 1;"))));
    }
}
