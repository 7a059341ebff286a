package io.probr.sink.consumer;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink loop's offsets: where the buffer began in each partition (to read it again when it is given back),
 * what to commit once a batch is stored, and the positions past transaction markers that no record moves.
 */
final class OffsetTracker {
    private static final Logger log = LoggerFactory.getLogger(OffsetTracker.class);

    private final Consumer<byte[], byte[]> consumer;
    private Map<TopicPartition, Long> firstBuffered = new HashMap<>();
    private Map<TopicPartition, OffsetAndMetadata> lastCommitted = Map.of();

    OffsetTracker(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Records from {@code offset} on in {@code partition} went into the buffer. */
    void buffered(TopicPartition partition, long offset) {
        firstBuffered.putIfAbsent(partition, offset);
    }

    /** Something was read and not yet handed over (rows, or only dead letters). */
    boolean hasPending() {
        return !firstBuffered.isEmpty();
    }

    /**
     * The buffer goes to the insert thread: where it began, and what to commit once it is stored. Every polled
     * record is in the buffer, so the consumer's positions are what to commit; unlike "last record + 1" they also
     * cover the transaction markers the aggregator's exactly-once writes leave, so a caught-up sink shows no lag.
     */
    Map<TopicPartition, Long> handOff() {
        Map<TopicPartition, Long> first = firstBuffered;
        firstBuffered = new HashMap<>();
        return first;
    }

    Map<TopicPartition, OffsetAndMetadata> positions() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            offsets.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        return offsets;
    }

    /** Commits a stored batch's positions; throws when Kafka refuses, and the batch is then retried. */
    void commit(Map<TopicPartition, OffsetAndMetadata> positions) {
        consumer.commitSync(positions);
        lastCommitted = positions;
    }

    /** Positions can move past transaction markers with no record to store: commits them when they did. */
    void commitMovedPositions() {
        Map<TopicPartition, OffsetAndMetadata> positions = positions();
        if (!positions.equals(lastCommitted)) {
            try {
                commit(positions);
            } catch (KafkaException e) {
                log.debug("committing positions past transaction markers failed: {}", e.toString());
            }
        }
    }

    /** Reads what the buffer held again, in the partitions still assigned; the buffer starts empty. */
    void giveBackBuffer(Collection<TopicPartition> kept) {
        seekBack(firstBuffered, kept);
        firstBuffered = new HashMap<>();
    }

    /** Reads a handed-over batch again from where it began. */
    void seekBack(Map<TopicPartition, Long> first, Collection<TopicPartition> kept) {
        for (TopicPartition partition : kept) {
            Long offset = first.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            }
        }
    }
}
