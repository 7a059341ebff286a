package io.probr.pipeline.bench;

import io.probr.schemas.topic.Topic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offsets of the sink's source topics. */
final class Offsets {
    private Offsets() {
    }

    static Map<TopicPartition, Long> latest(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        for (var topic : admin.describeTopics(List.of(Topic.EVENTS.topicName(), Topic.BATCHES.topicName(),
                Topic.WINDOWS.topicName())).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> wanted.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(wanted).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    static boolean committedUpTo(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata done = committed.get(e.getKey());
            if (e.getValue() > 0 && (done == null || done.offset() < e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
