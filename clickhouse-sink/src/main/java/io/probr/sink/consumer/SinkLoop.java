package io.probr.sink.consumer;

import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.UnmappableRecordException;
import io.probr.sink.metrics.SinkMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer thread: poll, map, buffer, and every {@code batchRows} rows or {@code flushInterval}
 * (or when the topics fall quiet with a tenth of a batch buffered) hand the buffer to the insert thread, which
 * writes it to ClickHouse while this thread maps the next one; the offsets are committed (and the dead letters
 * confirmed) only once that insert succeeded. One insert at a time, so at most two batches are in memory. A
 * failed insert pauses consumption, gives back what was read after it, and retries the same rows with
 * exponential backoff; consumption resumes by itself once ClickHouse is back. Records whose rows ClickHouse
 * refuses are found by the {@link BatchInserter} and dead-lettered with the batch's commit.
 */
public final class SinkLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);

    /** How the loop batches and retries. */
    public record Settings(int batchRows, Duration flushInterval, Duration retryMin, Duration retryMax) {
    }

    /** A batch handed to the insert thread: its rows, the positions to commit once stored, where it began. */
    private record Batch(RowBatch rows, Map<TopicPartition, OffsetAndMetadata> positions,
            Map<TopicPartition, Long> first) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final RecordMapper mapper;
    private final ClickHouseWriter writer;
    private final BatchInserter batchInserter;
    private final DeadLetters deadLetters;
    private final SinkMetrics metrics;
    private final Settings settings;
    private final FlushPolicy policy;
    private final ExecutorService inserter = Executors.newSingleThreadExecutor(r -> new Thread(r, "sink-insert"));

    private RowBatch buffer = new RowBatch();
    private final OffsetTracker offsets;
    private final ConsumerLag lag;
    private long bufferStartedNanos;
    private Batch inFlight;
    private Future<BatchInserter.Inserted> insert;
    /** A batch whose insert or commit failed, to be inserted again at {@code retryAtNanos}. */
    private Batch retrying;
    private long retryAtNanos;
    private long markersCheckedNanos;
    private volatile boolean running = true;
    private volatile boolean healthy = true;

    public SinkLoop(Consumer<byte[], byte[]> consumer, List<String> topics, RecordMapper mapper,
            ClickHouseWriter writer, SourceRecords sourceRecords, DeadLetters deadLetters, SinkMetrics metrics,
            Settings settings) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.mapper = mapper;
        this.writer = writer;
        this.batchInserter = new BatchInserter(writer::write, sourceRecords);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.settings = settings;
        this.policy = new FlushPolicy(settings);
        this.offsets = new OffsetTracker(consumer);
        this.lag = new ConsumerLag(consumer, this.topics, metrics);
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
                Duration timeout = policy.pollTimeout(buffered(), inFlight != null,
                        retrying == null ? null : retryAtNanos, System.nanoTime());
                ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
                for (TopicPartition partition : records.partitions()) {
                    accept(partition, records.records(partition));
                }
                boolean quiet = FlushPolicy.quiet(records.isEmpty(), timeout);
                // a full buffer waits for the insert in flight, which bounds memory to two batches
                completeInsert(buffer.rowCount() >= settings.batchRows());
                if (retrying != null) {
                    if (System.nanoTime() >= retryAtNanos) {
                        submit(retrying);
                    }
                } else if (inFlight == null && policy.flushDue(buffered(), quiet, System.nanoTime())) {
                    submit(handOff());
                } else if (idle()) {
                    resumeIfNothingToRetry();
                    commitSkippedMarkers();
                }
                lag.update(System.nanoTime());
            }
        } finally {
            completeInsert(true);
            if (retrying == null && hasPending()) {
                submit(handOff());    // one last attempt; whatever fails is read again after a restart
                completeInsert(true);
            }
            inserter.shutdownNow();
            consumer.close();
            writer.close();
        }
    }

    /** Bookkeeping once per partition and poll; per record only what the record needs. */
    private void accept(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            accept(record);
        }
        metrics.consumed(partition.topic(), records.size());
        offsets.buffered(partition, records.get(0).offset());
        if (bufferStartedNanos == 0) {
            bufferStartedNanos = System.nanoTime();
        }
        metrics.buffered(buffer.rowCount());
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        try {
            buffer.add(record, mapper.map(record));
        } catch (UnmappableRecordException e) {
            deadLetters.unmappable(record, e, metrics);
        }
    }

    private boolean hasPending() {
        return offsets.hasPending();
    }

    private boolean idle() {
        return !hasPending() && inFlight == null && retrying == null;
    }

    private FlushPolicy.Buffer buffered() {
        return hasPending() ? new FlushPolicy.Buffer(buffer.rowCount(), bufferStartedNanos) : FlushPolicy.Buffer.EMPTY;
    }

    private Batch handOff() {
        Batch batch = new Batch(buffer, offsets.positions(), offsets.handOff());
        buffer = new RowBatch();
        bufferStartedNanos = 0;
        metrics.buffered(0);
        return batch;
    }

    private void submit(Batch batch) {
        inFlight = batch;
        retrying = null;
        insert = inserter.submit(() -> batchInserter.insert(batch.rows()));
    }

    /** If the insert in flight is done (or {@code wait}), confirms dead letters and commits, or schedules a retry. */
    private void completeInsert(boolean wait) {
        if (inFlight == null || (!wait && !insert.isDone())) {
            return;
        }
        Batch batch = inFlight;
        inFlight = null;
        try {
            BatchInserter.Inserted inserted = insert.get();
            for (BatchInserter.Refused refused : inserted.refused()) {
                deadLetters.refused(refused.record(), refused.reason(), metrics);
            }
            if (deadLetters.hasPending()) {
                deadLetters.awaitAll();
            }
            offsets.commit(batch.positions());
            metrics.flushed(inserted.rowsByTable(), inserted.nanos());
            if (!healthy) {
                log.info("ClickHouse and Kafka accept writes again; resuming consumption");
            }
            healthy = true;
            policy.succeeded();
            consumer.resume(consumer.paused());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduleRetry(batch, e);
        } catch (Exception e) {
            scheduleRetry(batch, e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** Pauses, gives back what was read after the failed batch, and retries the batch after a backoff. */
    private void scheduleRetry(Batch batch, Throwable error) {
        metrics.flushFailed();
        if (healthy) {
            log.warn("flush of {} rows failed, pausing and retrying with backoff: {}", batch.rows().rowCount(),
                    error.toString());
        } else {
            log.debug("flush retry failed: {}", error.toString());
        }
        healthy = false;
        consumer.pause(consumer.assignment());
        offsets.giveBackBuffer(consumer.assignment());
        clearBuffer();
        retrying = batch;
        retryAtNanos = System.nanoTime() + policy.backoffNanos();
    }

    /** After a rebalance during an outage nothing is left to retry: read again from the committed offsets. */
    private void resumeIfNothingToRetry() {
        if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /** Positions can move past transaction markers with no record to store; commit them now and then. */
    private void commitSkippedMarkers() {
        long now = System.nanoTime();
        if (now - markersCheckedNanos < settings.flushInterval().toNanos()) {
            return;
        }
        markersCheckedNanos = now;
        offsets.commitMovedPositions();
    }

    private void clearBuffer() {
        buffer.clear();
        bufferStartedNanos = 0;
        metrics.buffered(0);
    }

    /** Drops everything not stored, the batch awaiting a retry included; it is read again from the committed offsets. */
    private void giveBack(Collection<TopicPartition> keptPartitions) {
        offsets.giveBackBuffer(keptPartitions);
        if (retrying != null) {
            offsets.seekBack(retrying.first(), keptPartitions);   // earlier than the buffer's, so it wins
            retrying = null;
        }
        deadLetters.forgetPending();
        clearBuffer();
    }

    /** Before partitions move, store and commit what was read from them, or give it back. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            completeInsert(true);
            if (retrying == null && hasPending()) {
                submit(handOff());
                completeInsert(true);
            }
            if (retrying != null || hasPending()) {
                giveBack(kept(partitions));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (inFlight != null) {
                retrying = inFlight;   // stored or not, it cannot be committed any more
                inFlight = null;
                try {
                    insert.get();
                } catch (Exception e) {
                    log.debug("insert during lost partitions failed: {}", e.toString());
                }
            }
            giveBack(kept(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (retrying != null) {
                consumer.pause(partitions);
            }
        }

        private Set<TopicPartition> kept(Collection<TopicPartition> leaving) {
            Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
            kept.removeAll(leaving);
            return kept;
        }
    }
}
