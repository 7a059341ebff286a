package io.probr.sink.consumer;

import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.UnmappableRecordException;
import io.probr.sink.metrics.SinkMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's single thread: poll, map, buffer, and every {@code batchRows} rows or {@code flushInterval}
 * insert into ClickHouse and only then commit the offsets (and confirm the dead letters). A failed flush
 * pauses consumption and retries with exponential backoff, keeping the buffer, so nothing is lost and
 * memory stays bounded; consumption resumes by itself once ClickHouse is back.
 */
public final class SinkLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;

    /** How the loop batches and retries. */
    public record Settings(int batchRows, Duration flushInterval, Duration retryMin, Duration retryMax) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final RecordMapper mapper;
    private final ClickHouseWriter writer;
    private final DeadLetters deadLetters;
    private final SinkMetrics metrics;
    private final Settings settings;

    private final RowBatch buffer = new RowBatch();
    /** First offset read per partition since the last commit: what is pending, and where to seek back to. */
    private final Map<TopicPartition, Long> firstBuffered = new HashMap<>();
    private long bufferStartedNanos;
    private long retryAtNanos;
    private long backoffNanos;
    private long lagUpdatedNanos;
    private long markersCheckedNanos;
    private Map<TopicPartition, OffsetAndMetadata> lastCommitted = Map.of();
    private volatile boolean running = true;
    private volatile boolean healthy = true;

    public SinkLoop(Consumer<byte[], byte[]> consumer, List<String> topics, RecordMapper mapper,
            ClickHouseWriter writer, DeadLetters deadLetters, SinkMetrics metrics, Settings settings) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.mapper = mapper;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.settings = settings;
        this.backoffNanos = settings.retryMin().toNanos();
    }

    /** False while flushes fail (ClickHouse or Kafka unavailable); the sink is then retrying. */
    public boolean isHealthy() {
        return healthy;
    }

    /**
     * Asks the loop to flush what it holds and stop; safe from any thread. No {@code wakeup()}: it would
     * also abort a commit in flight, and polls are short anyway.
     */
    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        consumer.subscribe(topics, new Rebalance());
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout())) {
                    accept(record);
                }
                if (flushDue()) {
                    flush();
                } else if (!hasPending() && healthy) {
                    commitSkippedMarkers();
                }
                updateLag();
            }
        } finally {
            if (hasPending()) {
                flush();    // one last attempt; whatever fails is read again after a restart
            }
            consumer.close();
            writer.close();
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        metrics.consumed(record.topic());
        try {
            buffer.addAll(mapper.map(record));
        } catch (UnmappableRecordException e) {
            log.warn("record {}-{}@{} sent to the DLQ: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            deadLetters.send(record, e.getMessage());
            metrics.deadLettered(record.topic());
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        firstBuffered.putIfAbsent(partition, record.offset());
        if (bufferStartedNanos == 0) {
            bufferStartedNanos = System.nanoTime();
        }
        metrics.buffered(buffer.rowCount());
    }

    private boolean hasPending() {
        return !firstBuffered.isEmpty();
    }

    private boolean flushDue() {
        if (!hasPending() || System.nanoTime() < retryAtNanos) {
            return false;
        }
        return buffer.rowCount() >= settings.batchRows()
                || System.nanoTime() - bufferStartedNanos >= settings.flushInterval().toNanos();
    }

    private Duration pollTimeout() {
        long now = System.nanoTime();
        long wait = MAX_POLL.toNanos();
        if (hasPending()) {
            long due = Math.max(bufferStartedNanos + settings.flushInterval().toNanos(), retryAtNanos);
            wait = Math.min(wait, Math.max(0, due - now));
        }
        return Duration.ofNanos(wait);
    }

    /** Inserts the buffer, confirms dead letters, commits; on failure schedules a retry. */
    private void flush() {
        long started = System.nanoTime();
        try {
            Map<String, Integer> written = writer.write(buffer);
            deadLetters.awaitAll();
            Map<TopicPartition, OffsetAndMetadata> positions = commitPositions();
            consumer.commitSync(positions);
            lastCommitted = positions;
            metrics.flushed(written, System.nanoTime() - started);
            if (!healthy) {
                log.info("ClickHouse and Kafka accept writes again; resuming consumption");
            }
            clearBuffer();
            healthy = true;
            backoffNanos = settings.retryMin().toNanos();
            retryAtNanos = 0;
            consumer.resume(consumer.paused());
        } catch (Exception e) {
            metrics.flushFailed();
            if (healthy) {
                log.warn("flush of {} rows failed, pausing and retrying with backoff: {}", buffer.rowCount(), e.toString());
            } else {
                log.debug("flush retry failed: {}", e.toString());
            }
            healthy = false;
            retryAtNanos = System.nanoTime() + backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, settings.retryMax().toNanos());
            consumer.pause(consumer.assignment());
        }
    }

    /**
     * Every polled record is in the buffer, so the consumer's position is safe to commit; unlike "last record
     * + 1" it also covers the transaction markers the aggregator's exactly-once writes leave on probr.windows.v1,
     * so a caught-up sink shows zero lag.
     */
    private Map<TopicPartition, OffsetAndMetadata> commitPositions() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            offsets.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        return offsets;
    }

    /** Positions can move past transaction markers with no record to store; commit them now and then. */
    private void commitSkippedMarkers() {
        long now = System.nanoTime();
        if (now - markersCheckedNanos < settings.flushInterval().toNanos()) {
            return;
        }
        markersCheckedNanos = now;
        Map<TopicPartition, OffsetAndMetadata> positions = commitPositions();
        if (!positions.equals(lastCommitted)) {
            try {
                consumer.commitSync(positions);
                lastCommitted = positions;
            } catch (KafkaException e) {
                log.debug("committing positions past transaction markers failed: {}", e.toString());
            }
        }
    }

    private void clearBuffer() {
        buffer.clear();
        firstBuffered.clear();
        bufferStartedNanos = 0;
        metrics.buffered(0);
    }

    /** Drops what was read but not stored; it is read again from the committed offsets. */
    private void dropBuffer(Collection<TopicPartition> keptPartitions) {
        for (TopicPartition partition : keptPartitions) {
            Long first = firstBuffered.get(partition);
            if (first != null) {
                consumer.seek(partition, first);
            }
        }
        deadLetters.forgetPending();
        clearBuffer();
    }

    private void updateLag() {
        long now = System.nanoTime();
        if (now - lagUpdatedNanos < LAG_EVERY_NANOS) {
            return;
        }
        lagUpdatedNanos = now;
        Map<String, Long> byTopic = new HashMap<>();
        topics.forEach(topic -> byTopic.put(topic, 0L));
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                byTopic.merge(partition.topic(), lag.getAsLong(), Long::sum);
            }
        }
        byTopic.forEach(metrics::lag);
    }

    /** Before partitions move, store and commit what was read from them, or give it back. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (hasPending()) {
                try {
                    flush();
                } catch (KafkaException e) {
                    log.warn("flush before rebalance failed: {}", e.toString());
                }
            }
            if (hasPending()) {
                Set<TopicPartition> kept = new java.util.HashSet<>(consumer.assignment());
                kept.removeAll(partitions);
                dropBuffer(kept);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TopicPartition> kept = new java.util.HashSet<>(consumer.assignment());
            kept.removeAll(partitions);
            dropBuffer(kept);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!healthy) {
                consumer.pause(partitions);
            }
        }
    }
}
