package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
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
}
