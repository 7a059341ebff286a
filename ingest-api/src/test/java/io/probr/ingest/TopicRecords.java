package io.probr.ingest;

import io.probr.schemas.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads exactly what was written to the edge's topics between two moments, using end offsets: the edge
 * answers only after the broker acknowledged, so no waiting or guessing is needed.
 */
final class TopicRecords implements AutoCloseable {
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    TopicRecords(String bootstrapServers) {
        admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "enable.auto.commit", "false",
                "max.partition.fetch.bytes", Topic.MAX_MESSAGE_BYTES, "fetch.max.bytes", 4 * Topic.MAX_MESSAGE_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (Topic topic : List.of(Topic.EVENTS, Topic.BATCHES)) {
            admin.describeTopics(List.of(topic.topicName())).allTopicNames().get().get(topic.topicName())
                    .partitions().forEach(p -> request.put(new TopicPartition(topic.topicName(), p.partition()),
                            OffsetSpec.latest()));
        }
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Every record written since {@code mark} (a result of {@link #endOffsets()}). */
    List<ConsumerRecord<byte[], byte[]>> since(Map<TopicPartition, Long> mark) throws Exception {
        Map<TopicPartition, Long> end = endOffsets();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<TopicPartition> grown = end.keySet().stream().filter(tp -> end.get(tp) > mark.getOrDefault(tp, 0L)).toList();
        if (grown.isEmpty()) {
            return records;
        }
        consumer.assign(grown);
        grown.forEach(tp -> consumer.seek(tp, mark.getOrDefault(tp, 0L)));
        Instant deadline = Instant.now().plusSeconds(30);
        while (grown.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
