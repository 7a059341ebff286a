package io.probr.ingest.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Sends records and turns the producer's callback into a future that completes on the broker's ack. */
public final class KafkaPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;

    public KafkaPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<RecordMetadata> publish(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() throws when metadata is unavailable for max.block.ms or the record is refused outright
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /**
     * Fetches the topics' partitions into the producer now. Otherwise the first requests after a start each wait
     * in {@code send()} for them, on a cold JVM, while more arrive.
     */
    public void loadMetadata(Collection<String> topics) {
        topics.forEach(producer::partitionsFor);
    }

    public Map<MetricName, ? extends Metric> metrics() {
        return producer.metrics();
    }

    @Override
    public void close() {
        producer.close();
    }
}
