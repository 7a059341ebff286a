package io.probr.sink.replay;

import io.probr.schemas.topic.Topic;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The live aggregator's and sink's consumer groups, which a window rebuild waits for: what they have not
 * processed yet would reach ClickHouse after the rebuild and be counted a second time. A group with no
 * committed offset at all has never run here and is not waited for.
 */
public final class LiveGroups {
    private static final long POLL_MS = 200;

    private final Admin admin;
    private final String aggregatorGroup;
    private final String sinkGroup;
    private final Duration timeout;
    private final PrintStream out;

    /** {@code timeout}: how long each group may take to catch up before the rebuild gives up, changing nothing. */
    public LiveGroups(Admin admin, String aggregatorGroup, String sinkGroup, Duration timeout, PrintStream out) {
        this.admin = admin;
        this.aggregatorGroup = aggregatorGroup;
        this.sinkGroup = sinkGroup;
        this.timeout = timeout;
        this.out = out;
    }

    /** Waits until the aggregator has committed past {@code offsets} of probr.events.v1. */
    void awaitAggregatorProcessed(Map<TopicPartition, Long> offsets) throws Exception {
        await("the aggregator", aggregatorGroup, offsets);
    }

    /** Waits until the sink has stored every window the aggregator has committed so far. */
    void awaitSinkStored() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo partition : admin.describeTopics(List.of(Topic.WINDOWS.topicName())).allTopicNames().get()
                .get(Topic.WINDOWS.topicName()).partitions()) {
            latest.put(new TopicPartition(Topic.WINDOWS.topicName(), partition.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        await("the sink", sinkGroup, ends);
    }

    private void await(String who, String group, Map<TopicPartition, Long> targets) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
            if (committed.isEmpty()) {
                out.printf("note: %s (group %s) has never committed here; not waiting for it%n", who, group);
                return;
            }
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
                OffsetAndMetadata at = committed.get(target.getKey());
                behind += Math.max(0, target.getValue() - (at == null ? 0 : at.offset()));
            }
            if (behind == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + " (group " + group + ") is still " + behind + " record(s) behind"
                        + " after " + timeout.toSeconds() + " s; nothing was changed: start it or let it catch up,"
                        + " then run the same command again");
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * How many records {@code group} has yet to commit past, over the partitions it has committed on (the ends of
     * those partitions now); -1 when it never committed.
     */
    public long behind(String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        if (committed.isEmpty()) {
            return -1;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long behind = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            behind += Math.max(0, end.getValue().offset() - committed.get(end.getKey()).offset());
        }
        return behind;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((partition, offset) -> {
            if (offset != null) {
                committed.put(partition, offset);
            }
        });
        return committed;
    }
}
