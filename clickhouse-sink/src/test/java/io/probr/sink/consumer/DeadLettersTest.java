package io.probr.sink.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final DeadLetters deadLetters = new DeadLetters(producer);

    @Test
    void aRecordReadAgainAfterAFailedInsertIsDeadLetteredOnce() throws Exception {
        assertTrue(deadLetters.send(poison(0, 7), DeadLetterReason.INVALID_PAYLOAD, "invalid payload"));
        assertTrue(deadLetters.send(poison(0, 8), DeadLetterReason.INVALID_PAYLOAD, "invalid payload"));
        assertFalse(deadLetters.send(poison(0, 7), DeadLetterReason.INVALID_PAYLOAD, "invalid payload")); // the loop read 7 and 8 again
        assertFalse(deadLetters.send(poison(0, 8), DeadLetterReason.INVALID_PAYLOAD, "invalid payload"));
        assertTrue(deadLetters.send(poison(1, 7), DeadLetterReason.INVALID_PAYLOAD, "invalid payload")); // another partition, same offset
        deadLetters.awaitAll();

        assertEquals(3, producer.history().size());
        assertEquals(Topic.DLQ.topicName(), producer.history().get(0).topic());
        assertEquals("8", IngestHeaders.read(producer.history().get(1).headers(), DlqHeaders.SOURCE_OFFSET));
        assertEquals("invalid_payload", IngestHeaders.read(producer.history().get(1).headers(), DlqHeaders.REASON_CODE));
    }

    @Test
    void afterARebalanceWhatIsReadAgainIsSentAgain() throws Exception {
        deadLetters.send(poison(0, 7), DeadLetterReason.INVALID_PAYLOAD, "invalid payload");
        deadLetters.forgetPending(); // partitions revoked before the letter was confirmed
        deadLetters.send(poison(0, 7), DeadLetterReason.INVALID_PAYLOAD, "invalid payload");
        deadLetters.awaitAll();

        assertEquals(2, producer.history().size());
    }

    private static ConsumerRecord<byte[], byte[]> poison(int partition, long offset) {
        return new ConsumerRecord<>(Topic.EVENTS.topicName(), partition, offset, "GTM-X".getBytes(StandardCharsets.UTF_8),
                "{".getBytes(StandardCharsets.UTF_8));
    }
}
