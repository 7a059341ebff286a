package io.probr.aggregator;

import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
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
        KafkaSettings kafka,
        String applicationId,
        WindowSpec windows,
        EventTimeRule timeRule,
        long wallClockTickMs,
        Path stateDir,
        int streamThreads,
        String host,
        int port,
        Map<String, String> streamsOverrides) {

    public static final String STREAMS_PREFIX = "PROBR_KAFKA_STREAMS_";

    public static AggregatorConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        return new AggregatorConfig(
                KafkaSettings.fromEnv(e),
                e.get("PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                WindowSpec.fromEnv(e),
                EventTimeRule.fromEnv(e),
                e.number("PROBR_AGGREGATOR_WALL_CLOCK_TICK_MS", 1_000, 10, 60_000),
                Path.of(e.get("PROBR_AGGREGATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/probr-aggregator")),
                e.integer("PROBR_AGGREGATOR_THREADS", 1, 1, 64),
                e.get("PROBR_AGGREGATOR_HOST", "0.0.0.0"),
                e.integer("PROBR_AGGREGATOR_PORT", 8083, 0, 65535),
                e.withPrefix(STREAMS_PREFIX));
    }

    /** The configuration as it may be logged: pass-through settings by name only, since they can hold secrets. */
    @Override
    public String toString() {
        return "AggregatorConfig[" + kafka + ", applicationId=" + applicationId + ", windows=" + windows
                + ", maxClockSkewMs=" + timeRule.maxSkewMs() + ", wallClockTickMs=" + wallClockTickMs + ", stateDir="
                + stateDir + ", threads=" + streamThreads + ", http=" + host + ":" + port + ", streamsOverrides="
                + streamsOverrides.keySet() + "]";
    }
}
