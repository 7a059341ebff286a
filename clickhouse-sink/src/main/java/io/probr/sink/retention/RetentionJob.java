package io.probr.sink.retention;

import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the monthly partitions a {@link RetentionPolicy} no longer keeps. Run on a schedule by every sink:
 * dropping a partition another sink has just dropped does nothing, so sinks need not agree on who runs it.
 */
public final class RetentionJob implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final ClickHouseHttp clickHouse;
    private final RetentionPolicy policy;
    private final Clock clock;

    public RetentionJob(ClickHouseHttp clickHouse, RetentionPolicy policy, Clock clock) {
        this.clickHouse = clickHouse;
        this.policy = policy;
        this.clock = clock;
    }

    /** Drops what expired and returns {@code table/partition} of each partition dropped. */
    public List<String> dropExpired() throws ClickHouseException {
        LocalDate today = LocalDate.now(clock);
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : policy.daysByTable().entrySet()) {
            String table = entry.getKey();
            for (int partition : partitions(table)) {
                if (RetentionPolicy.isExpired(partition, entry.getValue(), today)) {
                    clickHouse.query("ALTER TABLE " + table + " DROP PARTITION " + partition);
                    log.info("retention: dropped partition {} of {} (kept {} days)", partition, table, entry.getValue());
                    dropped.add(table + "/" + partition);
                }
            }
        }
        return dropped;
    }

    /** For the scheduler: a failure is logged and the next run tries again. */
    @Override
    public void run() {
        try {
            dropExpired();
        } catch (ClickHouseException | RuntimeException e) {
            log.warn("retention: could not drop expired partitions, will try again: {}", e.getMessage());
        }
    }

    private List<Integer> partitions(String table) throws ClickHouseException {
        String[] name = table.split("\\.");
        String rows = clickHouse.query("SELECT DISTINCT partition FROM system.parts WHERE active AND database = '"
                + name[0] + "' AND table = '" + name[1] + "' ORDER BY partition FORMAT TabSeparated");
        List<Integer> partitions = new ArrayList<>();
        for (String row : rows.split("\n")) {
            if (!row.isBlank()) {
                partitions.add(Integer.parseInt(row.strip()));
            }
        }
        return partitions;
    }
}
