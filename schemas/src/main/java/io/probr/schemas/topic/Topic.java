package io.probr.schemas.topic;

import io.probr.schemas.runtime.KafkaSettings.TopicRetention;
import io.probr.schemas.runtime.TopicSetup;
import java.util.Map;
import java.util.OptionalLong;

/** The Kafka topics of the pipeline. Each is keyed by {@code container_id}. */
public enum Topic {
    /** Per-event payloads, the raw JSON bytes as received by the edge. */
    EVENTS("probr.events.v1"),
    /** Batched payloads, the raw JSON bytes as received by the edge. */
    BATCHES("probr.batches.v1"),
    /** Windows computed by the stream-aggregator, in the batched shape. */
    WINDOWS("probr.windows.v1"),
    /** Records a consumer could not process, with the reason in headers. */
    DLQ("probr.dlq.v1"),
    /**
     * What the edge posts to itself while it warms up, before it says ready; read by nobody, kept an hour. Its
     * own topic, so no warm-up record can reach the pipeline's.
     */
    EDGE_WARMUP("probr.edge-warmup.v1", Map.of("retention.ms", "3600000", "segment.ms", "3600000")),
    /** Changes of alert incidents (firing, resolved), keyed by incident id; read by the webhook dispatcher. */
    ALERTS("probr.alerts.v1"),
    /**
     * Sites, ingest keys and admin tokens (hashes only), keyed by {@code kind/id}; a tombstone deletes. One
     * partition, so one offset orders every write; compacted, so it holds the latest of each entity forever.
     */
    CONFIG("probr.config.v1", Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"), 1);

    /**
     * Largest record value a topic accepts: the edge's 1 MiB body limit plus headroom for headers and
     * batch overhead. Producer {@code max.request.size}, broker {@code message.max.bytes} and consumer
     * fetch sizes are all set from this one number so the limits agree along the path.
     */
    public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private final String topicName;
    private final Map<String, String> configs;
    private final int fixedPartitions;

    Topic(String topicName) {
        this(topicName, Map.of());
    }

    Topic(String topicName, Map<String, String> configs) {
        this(topicName, configs, 0);
    }

    Topic(String topicName, Map<String, String> configs, int fixedPartitions) {
        this.topicName = topicName;
        this.configs = configs;
        this.fixedPartitions = fixedPartitions;
    }

    /** The partitions this topic is created with: its own fixed number, else the deployment's. */
    public int partitions(int deploymentPartitions) {
        return fixedPartitions > 0 ? fixedPartitions : deploymentPartitions;
    }

    /** Topic settings beyond the ones every topic gets ({@link TopicSetup}); empty for the broker's defaults. */
    public Map<String, String> configs() {
        return configs;
    }

    /**
     * The {@code retention.ms} {@link TopicSetup} gives this topic: the deployment's for the pipeline's records and
     * its dead letters; none for the config topic (compacted: it keeps the latest of each entity forever) and the
     * edge's warm-up topic (its own, in {@link #configs()}).
     */
    public OptionalLong retentionMs(TopicRetention retention) {
        return switch (this) {
            case EVENTS, BATCHES, WINDOWS, ALERTS -> OptionalLong.of(retention.recordsMs());
            case DLQ -> OptionalLong.of(retention.deadLettersMs());
            case EDGE_WARMUP, CONFIG -> OptionalLong.empty();
        };
    }

    public String topicName() {
        return topicName;
    }
}
