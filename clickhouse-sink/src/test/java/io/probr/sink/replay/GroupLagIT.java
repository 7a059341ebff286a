package io.probr.sink.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the benchmarks wait on: a consumer group's lag, through the Admin API, on the real broker. */
@ExtendWith(SharedKafkaBroker.class)
class GroupLagIT {
    @Test
    void aGroupIsBehindByWhatItHasNotCommittedAndUnknownWhenItNeverCommitted(LocalKafkaBroker broker) throws Exception {
        String topic = "group-lag-it-" + UUID.randomUUID();
        String group = "group-lag-it-" + UUID.randomUUID();
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, i < 3 ? 0 : 1, null, new byte[] {1})).get();
            }
            LiveGroups live = new LiveGroups(admin, "", "", Duration.ZERO, System.out);
            assertEquals(-1, live.behind(group));

            admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(1), p1, new OffsetAndMetadata(2)))
                    .all().get();
            assertEquals(2, live.behind(group));

            admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3))).all().get();
            assertEquals(0, live.behind(group));
        }
    }
}
