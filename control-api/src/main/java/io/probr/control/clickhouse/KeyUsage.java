package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each ingest key last posted, read from the stored events of the last {@link #LOOKBACK}: one cheap
 * query per key listing. Best effort: without ClickHouse the listing still answers, without the times.
 */
public final class KeyUsage {
    private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);
    public static final Duration LOOKBACK = Duration.ofDays(7);
    private static final SqlQuery LAST_USED = SqlQuery.resource("key_last_used.sql");

    private final ClickHouseReader clickHouse;
    private final Clock clock;

    public KeyUsage(ClickHouseReader clickHouse, Clock clock) {
        this.clickHouse = clickHouse;
        this.clock = clock;
    }

    /** Key id → ISO instant of its last event; keys unused in the look-back are absent. */
    public Map<String, String> lastUsed(List<String> keyIds) {
        if (keyIds.isEmpty()) {
            return Map.of();
        }
        Map<String, String> lastUsed = new HashMap<>();
        try {
            for (JsonNode row : clickHouse.select(LAST_USED, new Params().strings("key_ids", keyIds)
                    .uint64("since_ms", clock.instant().minus(LOOKBACK).toEpochMilli()))) {
                lastUsed.put(row.get("key_id").asText(), Instant.ofEpochMilli(row.get("last_used_ms").asLong()).toString());
            }
        } catch (ClickHouseUnavailableException e) {
            log.warn("keys listed without last_used_at: {}", e.getMessage());
        }
        return lastUsed;
    }
}
