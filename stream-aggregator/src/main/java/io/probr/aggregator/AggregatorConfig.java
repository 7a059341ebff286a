package io.probr.aggregator;

import io.probr.schemas.EnvVars;
import io.probr.schemas.WindowSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * The aggregator's configuration, read once from environment variables (README, "Configuration"). Any
 * Kafka Streams setting passes through: {@code PROBR_KAFKA_STREAMS_COMMIT_INTERVAL_MS=200} becomes
 * {@code commit.interval.ms=200}.
 */
public record AggregatorConfig(
        String bootstrapServers,
        String applicationId,
        WindowSpec windows,
        Path stateDir,
        int streamThreads,
        int topicPartitions,
        short topicReplication,
        Map<String, String> streamsOverrides) {

    public static final String STREAMS_PREFIX = "PROBR_KAFKA_STREAMS_";

    public static AggregatorConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        return new AggregatorConfig(
                e.get("PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                e.get("PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                WindowSpec.fromEnv(e),
                Path.of(e.get("PROBR_AGGREGATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/probr-aggregator")),
                e.integer("PROBR_AGGREGATOR_THREADS", 1, 1, 64),
                e.integer("PROBR_TOPIC_PARTITIONS", 3, 1, 1000),
                (short) e.integer("PROBR_TOPIC_REPLICATION", 1, 1, 10),
                e.withPrefix(STREAMS_PREFIX));
    }
}
