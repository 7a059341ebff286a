package io.probr.aggregator;

import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.window.EventTimeRule;
import io.probr.schemas.window.WindowSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * The aggregator's configuration, read once from environment variables (docs/operations.md). Any Kafka Streams
 * setting passes through: {@code PROBR_KAFKA_STREAMS_COMMIT_INTERVAL_MS=200} becomes {@code commit.interval.ms=200}.
 *
 * @param wallClockTickMs how often the wall clock advances stream time and closes windows when no event does
 */
public record AggregatorConfig(
        String bootstrapServers,
        String applicationId,
        WindowSpec windows,
        EventTimeRule timeRule,
        long wallClockTickMs,
        Path stateDir,
        int streamThreads,
        int topicPartitions,
        short topicReplication,
        String host,
        int port,
        Map<String, String> streamsOverrides) {

    public static final String STREAMS_PREFIX = "PROBR_KAFKA_STREAMS_";

    public static AggregatorConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        return new AggregatorConfig(
                e.get("PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                e.get("PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                WindowSpec.fromEnv(e),
                EventTimeRule.fromEnv(e),
                e.number("PROBR_AGGREGATOR_WALL_CLOCK_TICK_MS", 1_000, 10, 60_000),
                Path.of(e.get("PROBR_AGGREGATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/probr-aggregator")),
                e.integer("PROBR_AGGREGATOR_THREADS", 1, 1, 64),
                e.integer("PROBR_TOPIC_PARTITIONS", 3, 1, 1000),
                (short) e.integer("PROBR_TOPIC_REPLICATION", 1, 1, 10),
                e.get("PROBR_AGGREGATOR_HOST", "0.0.0.0"),
                e.integer("PROBR_AGGREGATOR_PORT", 8083, 0, 65535),
                e.withPrefix(STREAMS_PREFIX));
    }

    /** The configuration as it may be logged: pass-through settings by name only, since they can hold secrets. */
    @Override
    public String toString() {
        return "AggregatorConfig[kafka=" + bootstrapServers + ", applicationId=" + applicationId + ", windows="
                + windows + ", maxClockSkewMs=" + timeRule.maxSkewMs() + ", wallClockTickMs=" + wallClockTickMs
                + ", stateDir=" + stateDir + ", threads=" + streamThreads + ", topics=" + topicPartitions + "x"
                + topicReplication + ", http=" + host + ":" + port + ", streamsOverrides=" + streamsOverrides.keySet()
                + "]";
    }
}
