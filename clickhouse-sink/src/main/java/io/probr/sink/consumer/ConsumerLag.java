package io.probr.sink.consumer;

import io.probr.sink.metrics.SinkMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** The sink's lag per topic, summed over its partitions, for {@code probr_sink_consumer_lag}; once a second at most. */
final class ConsumerLag {
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final SinkMetrics metrics;
    private long updatedNanos;

    ConsumerLag(Consumer<byte[], byte[]> consumer, List<String> topics, SinkMetrics metrics) {
        this.consumer = consumer;
        this.topics = topics;
        this.metrics = metrics;
    }

    /** From the consumer thread, after a poll. */
    void update(long nowNanos) {
        if (nowNanos - updatedNanos < EVERY_NANOS) {
            return;
        }
        updatedNanos = nowNanos;
        // no assignment yet, or a partition not fetched yet: the lag is unknown, not zero
        if (consumer.assignment().isEmpty()) {
            return;
        }
        Map<String, Long> byTopic = new HashMap<>();
        topics.forEach(topic -> byTopic.put(topic, 0L));
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isEmpty()) {
                return;
            }
            byTopic.merge(partition.topic(), lag.getAsLong(), Long::sum);
        }
        byTopic.forEach(metrics::lag);
    }
}
