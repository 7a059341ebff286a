package io.probr.aggregator;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
        return new AggregatorConfig(
                get(env, "PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                get(env, "PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                new WindowSpec(number(env, "PROBR_WINDOW_SIZE_MS", 60_000, 1_000, 86_400_000),
                        number(env, "PROBR_WINDOW_GRACE_MS", 30_000, 0, 86_400_000)),
                Path.of(get(env, "PROBR_AGGREGATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/probr-aggregator")),
                (int) number(env, "PROBR_AGGREGATOR_THREADS", 1, 1, 64),
                (int) number(env, "PROBR_TOPIC_PARTITIONS", 3, 1, 1000),
                (short) number(env, "PROBR_TOPIC_REPLICATION", 1, 1, 10),
                withPrefix(env, STREAMS_PREFIX));
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String raw = get(env, name, Long.toString(fallback));
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + raw + " is not an integer");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + raw + " is outside " + min + ".." + max);
        }
        return value;
    }

    private static Map<String, String> withPrefix(Map<String, String> env, String prefix) {
        Map<String, String> result = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return Map.copyOf(result);
    }
}
