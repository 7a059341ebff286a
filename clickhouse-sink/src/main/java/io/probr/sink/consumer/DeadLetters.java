package io.probr.sink.consumer;

import io.probr.schemas.runtime.RepeatedWarnings;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.Topic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import io.probr.sink.mapping.UnmappableRecordException;
import io.probr.sink.metrics.SinkMetrics;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records the sink cannot map to {@code probr.dlq.v1}: key, value and headers as they were, plus
 * why and where from. The sink commits past a dead letter only once {@link #awaitAll()} confirmed it.
 */
public final class DeadLetters {
    private static final int MAX_REASON_CHARS = 2_000;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final RepeatedWarnings warnings = new RepeatedWarnings(10, 1000);
    private final Producer<byte[], byte[]> producer;
    private final List<Pending> pending = new ArrayList<>();
    /** The highest source offset sent per partition. */
    private final Map<TopicPartition, Long> sentUpTo = new HashMap<>();

    public DeadLetters(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** A record that cannot be mapped: its dead letter, counted, and logged for the first few of each kind. */
    public void unmappable(ConsumerRecord<byte[], byte[]> record, UnmappableRecordException e, SinkMetrics metrics) {
        if (send(record, e.reason(), e.getMessage())) {
            long n = warnings.count(e.reason().code());
            if (n > 0) {
                log.warn("record {}-{}@{} sent to the DLQ ({}, #{} of its kind; all counted in"
                        + " probr_sink_dlq_records_total): {}", record.topic(), record.partition(), record.offset(),
                        e.reason().code(), n, e.getMessage());
            }
            metrics.deadLettered(record.topic(), e.reason());
        }
    }

    /**
     * A record whose rows ClickHouse refused (found by {@link BatchInserter}): its dead letter, counted and logged.
     * Sent even when later records' letters went first; should its batch's commit fail, it is sent again.
     */
    public void refused(ConsumerRecord<byte[], byte[]> record, String reason, SinkMetrics metrics) {
        produce(record, DeadLetterReason.CLICKHOUSE_REFUSED, reason);
        long n = warnings.count(DeadLetterReason.CLICKHOUSE_REFUSED.code());
        if (n > 0) {
            log.warn("record {}-{}@{} sent to the DLQ: ClickHouse refused its rows (#{} of its kind; all counted in"
                    + " probr_sink_dlq_records_total): {}", record.topic(), record.partition(), record.offset(), n, reason);
        }
        metrics.deadLettered(record.topic(), DeadLetterReason.CLICKHOUSE_REFUSED);
    }

    /**
     * Sends a dead letter, once per source record: after a failed insert the loop reads again what came after
     * the failed batch, and the letters of those records are already on their way. False when it was.
     */
    public boolean send(ConsumerRecord<byte[], byte[]> source, DeadLetterReason code, String reason) {
        TopicPartition from = new TopicPartition(source.topic(), source.partition());
        Long last = sentUpTo.get(from);
        if (last != null && source.offset() <= last) {
            return false;
        }
        sentUpTo.put(from, source.offset());
        produce(source, code, reason);
        return true;
    }

    private void produce(ConsumerRecord<byte[], byte[]> source, DeadLetterReason code, String reason) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topic.DLQ.topicName(), null,
                source.key(), source.value());
        for (Header header : source.headers()) {
            record.headers().add(header);
        }
        String shortReason = reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS);
        DlqHeaders.addFailure(record.headers(), code, shortReason, "clickhouse-sink");
        DlqHeaders.addSource(record.headers(), source.topic(), source.partition(), source.offset());
        pending.add(new Pending(record, producer.send(record)));
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Waits for every dead letter sent so far; a failed one is sent again and the call fails. */
    public void awaitAll() throws DeadLetterException {
        producer.flush();
        List<Pending> failed = new ArrayList<>();
        Exception firstError = null;
        for (Pending p : pending) {
            try {
                p.result().get();
            } catch (ExecutionException e) {
                failed.add(new Pending(p.record(), producer.send(p.record())));
                firstError = firstError == null ? e : firstError;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeadLetterException("interrupted while waiting for the DLQ", e);
            }
        }
        pending.clear();
        pending.addAll(failed);
        if (firstError != null) {
            throw new DeadLetterException("could not write " + failed.size() + " record(s) to "
                    + Topic.DLQ.topicName() + ": " + firstError.getCause(), firstError);
        }
    }

    /**
     * Forgets unconfirmed dead letters whose source records will be read again (after a rebalance): those are
     * sent again when read, whether or not the first ones landed (at least once).
     */
    public void forgetPending() {
        pending.clear();
        sentUpTo.clear();
    }

    private record Pending(ProducerRecord<byte[], byte[]> record, Future<RecordMetadata> result) {
    }

    public static final class DeadLetterException extends Exception {
        DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
