package io.probr.sink.schema;

import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the migrations not yet recorded in {@code probr.schema_migrations}, in order. Statements are
 * written to be re-runnable ({@code IF NOT EXISTS}), so a migration interrupted half-way is simply applied
 * again; a migration is recorded only once all its statements succeeded. Sinks starting together take turns
 * through a {@link MigrationLock}: the history is read once the lock is held, so nothing is applied twice.
 */
public final class MigrationRunner {
    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    static final String HISTORY_TABLE = "probr.schema_migrations";

    private final ClickHouseHttp clickHouse;
    private final MigrationLock lock;

    public MigrationRunner(ClickHouseHttp clickHouse) {
        this(clickHouse, Duration.ofMinutes(2), Duration.ofMinutes(10));
    }

    /** Waits at most {@code lockWait} for another sink's migrations; a lock older than {@code lockStale} is broken. */
    MigrationRunner(ClickHouseHttp clickHouse, Duration lockWait, Duration lockStale) {
        this.clickHouse = clickHouse;
        this.lock = new MigrationLock(clickHouse, lockWait, lockStale);
    }

    /** Applies what is missing and returns the labels of the migrations applied by this call. */
    public List<String> apply(List<Migration> migrations) throws MigrationException {
        createHistory();
        lock.acquire();
        try {
            return applyLocked(migrations);
        } finally {
            lock.release();
        }
    }

    private List<String> applyLocked(List<Migration> migrations) throws MigrationException {
        Map<Integer, String> applied = history();
        List<String> appliedNow = new ArrayList<>();
        for (Migration migration : migrations) {
            String checksum = applied.get(migration.version());
            if (checksum != null) {
                if (!checksum.equals(migration.checksum())) {
                    throw new MigrationException("migration " + migration.label() + " was changed after it was"
                            + " applied (checksum " + checksum + " recorded, " + migration.checksum()
                            + " now); never edit an applied migration, add a new one");
                }
                continue;
            }
            List<String> statements = migration.statements();
            for (int i = 0; i < statements.size(); i++) {
                run(statements.get(i), "migration " + migration.label() + " failed at statement " + (i + 1)
                        + " of " + statements.size() + " (" + excerpt(statements.get(i)) + ")");
            }
            run("INSERT INTO " + HISTORY_TABLE + " (version, name, checksum) VALUES ("
                    + migration.version() + ", '" + migration.name() + "', '" + migration.checksum() + "')",
                    "could not record migration " + migration.label());
            log.info("applied ClickHouse migration {}", migration.label());
            appliedNow.add(migration.label());
        }
        return appliedNow;
    }

    private void createHistory() throws MigrationException {
        run("CREATE DATABASE IF NOT EXISTS probr", "could not create database probr");
        run("CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " (version UInt32, name String, checksum String,"
                + " applied_at DateTime DEFAULT now()) ENGINE = ReplacingMergeTree() ORDER BY version",
                "could not create " + HISTORY_TABLE);
    }

    private Map<Integer, String> history() throws MigrationException {
        String rows = run("SELECT version, checksum FROM " + HISTORY_TABLE + " FINAL FORMAT TabSeparated",
                "could not read " + HISTORY_TABLE);
        Map<Integer, String> applied = new HashMap<>();
        for (String row : rows.split("\n")) {
            if (!row.isBlank()) {
                String[] fields = row.split("\t");
                applied.put(Integer.parseInt(fields[0]), fields[1]);
            }
        }
        return applied;
    }

    private String run(String sql, String failure) throws MigrationException {
        try {
            return clickHouse.query(sql);
        } catch (ClickHouseException e) {
            throw new MigrationException(failure + ": " + e.getMessage(), e);
        }
    }

    private static String excerpt(String statement) {
        String oneLine = statement.replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
