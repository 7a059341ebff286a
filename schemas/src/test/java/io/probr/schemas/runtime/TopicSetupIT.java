package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import io.probr.schemas.runtime.KafkaSettings.TopicRetention;
import io.probr.schemas.topic.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writing at once to topics {@link TopicSetup} has just created loses nothing. Without the wait for the
 * partitions' leaders, about one creation in four lost a batch of an idempotent producer on this broker
 * (KAFKA-15591): the batch expired after the delivery timeout.
 */
@ExtendWith(SharedKafkaBroker.class)
class TopicSetupIT {
    private static final int TOPICS = 20;
    private static final int RECORDS = 300;
    private static final long DAY_MS = 86_400_000L;

    @Test
    void everyRecordWrittenRightAfterTheTopicIsCreatedIsAcknowledged(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", broker.bootstrapServers(), "acks", "all",
                     "delivery.timeout.ms", "10000", "request.timeout.ms", "5000"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> failures = new ArrayList<>();
            for (int t = 0; t < TOPICS; t++) {
                String topic = "topic-setup-it-" + t;
                TopicSetup.ensureNamed(admin, List.of(topic), 3, (short) 1, 30_000);
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (int r = 0; r < RECORDS; r++) {
                    acks.add(producer.send(new ProducerRecord<>(topic, ("key-" + r % 5).getBytes(), new byte[200])));
                }
                int lost = 0;
                for (Future<RecordMetadata> ack : acks) {
                    try {
                        ack.get();
                    } catch (ExecutionException e) {
                        lost++;
                    }
                }
                if (lost > 0) {
                    failures.add(topic + ": " + lost + " of " + RECORDS + " records not acknowledged");
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    @Test
    void topicsGetTheConfiguredRetentionAlsoWhenTheyExistedBefore(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // as an older Probr left it: the broker's default retention
            admin.createTopics(List.of(new NewTopic(Topic.EVENTS.topicName(), 3, (short) 1))).all().get();
            KafkaSettings twoDays = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1,
                    new TopicRetention(2 * DAY_MS, 30 * DAY_MS));
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.DLQ, Topic.CONFIG), twoDays, 30_000);
            assertEquals(Long.toString(2 * DAY_MS), retentionMs(admin, Topic.EVENTS));
            assertEquals(Long.toString(30 * DAY_MS), retentionMs(admin, Topic.DLQ));
            assertEquals("compact", config(admin, Topic.CONFIG, "cleanup.policy"));

            KafkaSettings fiveDays = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1,
                    new TopicRetention(5 * DAY_MS, 60 * DAY_MS));
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.DLQ), fiveDays, 30_000);
            assertEquals(Long.toString(5 * DAY_MS), retentionMs(admin, Topic.EVENTS), "a changed setting applies");
            assertEquals(Long.toString(60 * DAY_MS), retentionMs(admin, Topic.DLQ));
        }
    }

    private static String retentionMs(Admin admin, Topic topic) throws Exception {
        return config(admin, topic, "retention.ms");
    }

    private static String config(Admin admin, Topic topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.topicName());
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
    }
}
