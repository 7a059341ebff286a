package io.probr.alerting.dispatch;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which records' deliveries are still under way, per partition, so only offsets whose records are all done
 * get committed (deliveries finish out of order: each webhook has its own lane).
 */
final class PendingOffsets {
    private final Map<TopicPartition, TreeMap<Long, Integer>> open = new HashMap<>();
    private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long generation;

    /**
     * A record read at {@code offset} with {@code deliveries} still to finish (0: nothing to send); returns the
     * generation its deliveries must report back with.
     */
    synchronized long read(TopicPartition partition, long offset, int deliveries) {
        nextToRead.put(partition, offset + 1);
        if (deliveries > 0) {
            open.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, deliveries);
        }
        return generation;
    }

    /** A delivery is over; one from before a rebalance no longer counts (its record is read again). */
    synchronized void delivered(TopicPartition partition, long offset, long readInGeneration) {
        if (readInGeneration != generation) {
            return;
        }
        TreeMap<Long, Integer> offsets = open.get(partition);
        if (offsets != null) {
            offsets.computeIfPresent(offset, (o, n) -> n == 1 ? null : n - 1);
        }
    }

    synchronized int inFlight() {
        return open.values().stream().mapToInt(TreeMap::size).sum();
    }

    /** The offsets to commit now: up to the first record still under way; only what changed since last time. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        nextToRead.forEach((partition, next) -> {
            TreeMap<Long, Integer> offsets = open.get(partition);
            long upTo = offsets == null || offsets.isEmpty() ? next : offsets.firstKey();
            if (!Long.valueOf(upTo).equals(committed.get(partition))) {
                commit.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return commit;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /** Forgets partitions taken away by a rebalance: their records will be read again by their new owner. */
    synchronized void revoked(java.util.Collection<TopicPartition> partitions) {
        generation++;
        partitions.forEach(p -> {
            open.remove(p);
            nextToRead.remove(p);
            committed.remove(p);
        });
    }
}
