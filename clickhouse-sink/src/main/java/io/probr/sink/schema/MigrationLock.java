package io.probr.sink.schema;

import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two sinks from migrating at once. ClickHouse has no locks, but it serialises DDL on one table name,
 * so of several {@code CREATE TABLE} of the same table exactly one succeeds: the lock is that table, holding
 * its owner and when it was taken (the server's clock, so sinks' clocks need not agree). A lock older than
 * {@code staleAfter} is left over from a sink that died holding it, and is broken.
 */
final class MigrationLock {
    private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
    static final String TABLE = "probr.schema_migrations_lock";
    private static final long POLL_MS = 250;

    private final ClickHouseHttp clickHouse;
    private final Duration waitAtMost;
    private final Duration staleAfter;
    private final String owner;

    MigrationLock(ClickHouseHttp clickHouse, Duration waitAtMost, Duration staleAfter) {
        this.clickHouse = clickHouse;
        this.waitAtMost = waitAtMost;
        this.staleAfter = staleAfter;
        this.owner = ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    void acquire() throws MigrationException {
        long deadline = System.nanoTime() + waitAtMost.toNanos();
        boolean logged = false;
        while (true) {
            try {
                clickHouse.query("CREATE TABLE " + TABLE + " ENGINE = Log AS SELECT '" + owner
                        + "' AS owner, now() AS acquired_at");
                return;
            } catch (ClickHouseException e) {
                if (!e.getMessage().contains("already exists")) {
                    throw new MigrationException("could not take the migration lock " + TABLE + ": " + e.getMessage(), e);
                }
            }
            String holder = holder();
            if (holder.startsWith(owner + "\t")) {
                return; // ours, from an attempt ClickHouse interrupted
            }
            if (!holder.isEmpty() && Long.parseLong(holder.split("\t")[1]) > staleAfter.toSeconds()) {
                breakStale(holder);
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new MigrationException("another sink holds the migration lock " + TABLE + " (" + describe(holder)
                        + "); waited " + waitAtMost.toSeconds() + " s. If no sink is migrating, drop that table.");
            }
            if (!logged) {
                log.info("another sink is migrating ClickHouse ({}); waiting for it", describe(holder));
                logged = true;
            }
            sleep();
        }
    }

    void release() throws MigrationException {
        try {
            clickHouse.query("DROP TABLE IF EXISTS " + TABLE);
        } catch (ClickHouseException e) {
            throw new MigrationException("could not release the migration lock " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /** "owner \t seconds held", or empty while the holder's CREATE has not filled the table yet (or it is gone). */
    private String holder() throws MigrationException {
        try {
            return clickHouse.query("SELECT owner, toUInt64(greatest(now() - acquired_at, 0)) FROM " + TABLE
                    + " LIMIT 1 FORMAT TabSeparated").strip();
        } catch (ClickHouseException e) {
            return "";
        }
    }

    /** Renaming is atomic, so of two sinks breaking the same stale lock only one succeeds. */
    private void breakStale(String holder) throws MigrationException {
        String aside = TABLE + "_stale_" + UUID.randomUUID().toString().replace("-", "");
        try {
            clickHouse.query("RENAME TABLE " + TABLE + " TO " + aside);
            clickHouse.query("DROP TABLE IF EXISTS " + aside);
            log.warn("broke a stale migration lock ({})", describe(holder));
        } catch (ClickHouseException e) {
            log.info("a stale migration lock was broken by someone else ({})", e.getMessage());
        }
    }

    private static String describe(String holder) {
        if (holder.isEmpty()) {
            return "just taken";
        }
        String[] fields = holder.split("\t");
        return "held by process " + fields[0] + " for " + fields[1] + " s";
    }

    private static void sleep() throws MigrationException {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while waiting for the migration lock", e);
        }
    }
}
