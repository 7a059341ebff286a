package io.probr.sink;

import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.window.EventTimeRule;
import io.probr.schemas.window.WindowSpec;
import io.probr.sink.retention.RetentionPolicy;
import java.util.Map;

/**
 * The sink's configuration, read once from environment variables (docs/operations.md). Kafka
 * consumer settings pass through: {@code PROBR_KAFKA_CONSUMER_MAX_POLL_RECORDS=2000} becomes
 * {@code max.poll.records=2000}.
 */
public record SinkConfig(
        KafkaSettings kafka,
        String groupId,
        String clickHouseUrl,
        String clickHouseUser,
        String clickHousePassword,
        long clickHouseWaitMs,
        int batchRows,
        long flushIntervalMs,
        long retryMinMs,
        long retryMaxMs,
        String host,
        int port,
        EventTimeRule timeRule,
        WindowSpec windows,
        String aggregatorApplicationId,
        RetentionPolicy retention,
        long retentionCheckMs,
        Map<String, String> consumerOverrides) {

    public static final String CONSUMER_PREFIX = "PROBR_KAFKA_CONSUMER_";

    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        return new SinkConfig(
                KafkaSettings.fromEnv(e),
                e.get("PROBR_SINK_GROUP_ID", "probr-clickhouse-sink"),
                stripSlash(e.get("PROBR_CLICKHOUSE_URL", "http://127.0.0.1:8123")),
                e.get("PROBR_CLICKHOUSE_USER", "default"),
                e.get("PROBR_CLICKHOUSE_PASSWORD", ""),
                e.number("PROBR_CLICKHOUSE_WAIT_MS", 120_000, 0, 3_600_000),
                e.integer("PROBR_SINK_BATCH_ROWS", 60_000, 1, 1_000_000),
                e.number("PROBR_SINK_FLUSH_INTERVAL_MS", 1_000, 10, 600_000),
                e.number("PROBR_SINK_RETRY_MIN_MS", 500, 10, 600_000),
                e.number("PROBR_SINK_RETRY_MAX_MS", 30_000, 10, 3_600_000),
                e.get("PROBR_SINK_HOST", "0.0.0.0"),
                e.integer("PROBR_SINK_PORT", 8082, 0, 65535),
                EventTimeRule.fromEnv(e),
                WindowSpec.fromEnv(e),
                // the aggregator's own variable and default: the rebuild waits for the group that really runs
                e.get("PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                new RetentionPolicy(e.integer("PROBR_RETENTION_RAW_DAYS", 30, 0, 36_500),
                        e.integer("PROBR_RETENTION_WINDOWS_DAYS", 400, 0, 36_500)),
                e.number("PROBR_RETENTION_CHECK_MS", 3_600_000, 1_000, 86_400_000),
                e.withPrefix(CONSUMER_PREFIX));
    }

    /** The configuration as it may be logged: the password never appears. */
    @Override
    public String toString() {
        return "SinkConfig[" + kafka + ", group=" + groupId + ", clickhouse=" + clickHouseUrl
                + " as " + clickHouseUser + ", batchRows=" + batchRows + ", flushIntervalMs=" + flushIntervalMs
                + ", retry=" + retryMinMs + ".." + retryMaxMs + " ms, http=" + host + ":" + port
                + ", maxClockSkewMs=" + timeRule.maxSkewMs() + ", retentionDays=" + retention.rawDays() + "/"
                + retention.windowsDays()
                + ", consumerOverrides=" + consumerOverrides.keySet() + "]";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
