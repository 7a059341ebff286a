package io.probr.sink.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("probr.events.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("probr.events.v1", 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final OffsetTracker offsets = new OffsetTracker(consumer);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 10);
        consumer.seek(P1, 20);
    }

    @Test
    void aHandedOverBatchKnowsWhereItBeganAndTheBufferStartsAfresh() {
        assertFalse(offsets.hasPending());
        offsets.buffered(P0, 4);
        offsets.buffered(P0, 7);   // a later poll of the same buffer
        offsets.buffered(P1, 15);
        assertTrue(offsets.hasPending());

        assertEquals(Map.of(P0, 4L, P1, 15L), offsets.handOff());
        assertFalse(offsets.hasPending());
        assertEquals(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(20)), offsets.positions());
    }

    @Test
    void whatIsGivenBackIsReadAgainInThePartitionsStillAssigned() {
        offsets.buffered(P0, 4);
        offsets.buffered(P1, 15);
        offsets.giveBackBuffer(List.of(P1));   // P0 is leaving: its new owner reads from the committed offset
        assertEquals(10, consumer.position(P0));
        assertEquals(15, consumer.position(P1));
        assertFalse(offsets.hasPending());

        offsets.seekBack(Map.of(P0, 2L), List.of(P0, P1));
        assertEquals(2, consumer.position(P0));
        assertEquals(15, consumer.position(P1));
    }

    @Test
    void positionsMovedPastTransactionMarkersAreCommittedOnceAndOnlyWhenTheyMoved() {
        offsets.commit(offsets.positions());
        assertEquals(new OffsetAndMetadata(10), consumer.committed(Set.of(P0)).get(P0));

        consumer.seek(P0, 12);   // a marker read, no record to store
        offsets.commitMovedPositions();
        assertEquals(new OffsetAndMetadata(12), consumer.committed(Set.of(P0)).get(P0));

        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(3)));   // a canary: an unneeded commit would undo it
        offsets.commitMovedPositions();
        assertEquals(new OffsetAndMetadata(3), consumer.committed(Set.of(P0)).get(P0), "nothing moved: no commit");
    }
}
