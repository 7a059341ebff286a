package io.probr.sink.consumer;

import java.io.IOException;
import io.probr.sink.mapping.RowBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a record again by its position, with a consumer of its own (no group, nothing committed). The sink keeps
 * only rows in its buffers; the few records ClickHouse refuses are read again to go to the DLQ as they were.
 */
public final class SourceRecords implements BatchInserter.Fetcher {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<Consumer<byte[], byte[]>> consumers;

    /** {@code consumers} makes a consumer with the sink's settings and no {@code group.id}. */
    public SourceRecords(Supplier<Consumer<byte[], byte[]>> consumers) {
        this.consumers = consumers;
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> fetch(List<RowBatch.Source> sources) throws IOException {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            for (RowBatch.Source source : sources) {
                records.add(fetch(consumer, source.partition(), source.offset()));
            }
        }
        return records;
    }

    private static ConsumerRecord<byte[], byte[]> fetch(Consumer<byte[], byte[]> consumer, TopicPartition partition,
            long offset) throws IOException {
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500)).records(partition)) {
                if (record.offset() == offset) {
                    return record;
                }
                if (record.offset() > offset) {
                    throw new IOException("record " + partition + "@" + offset + " is gone from Kafka");
                }
            }
        }
        throw new IOException("could not read record " + partition + "@" + offset + " again within " + TIMEOUT);
    }
}
