package io.probr.sink.replay;

import io.probr.schemas.topic.Topic;
import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.UnmappableRecordException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-reads a time range of the topics and writes it to ClickHouse through the sink's own mapping. It uses
 * assigned partitions and never commits, so the live sink's consumer group is untouched; the tables'
 * idempotency keys make rows already present harmless and restore missing ones. Stopping it half-way
 * leaves only rows a re-run would write again anyway.
 */
public final class Replayer {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    /** One partition's share of the range: offsets [start, end); {@code truncated} when its beginning is past retention. */
    record Slice(TopicPartition partition, long start, long end, boolean truncated) {
        long records() {
            return Math.max(0, end - start);
        }
    }

    /** What a replay did. */
    public record Summary(long read, long matched, long rows, long unmappable, boolean interrupted) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final RecordMapper mapper;
    private final ClickHouseWriter writer;
    private final int batchRows;
    private final PrintStream out;

    public Replayer(Consumer<byte[], byte[]> consumer, RecordMapper mapper, ClickHouseWriter writer, int batchRows,
            PrintStream out) {
        this.consumer = consumer;
        this.mapper = mapper;
        this.writer = writer;
        this.batchRows = batchRows;
        this.out = out;
    }

    /** The offsets to read, per partition; fails with what is still available when the range is past retention. */
    List<Slice> plan(ReplayRequest request) {
        List<Slice> slices = new ArrayList<>();
        for (Topic topic : request.topics()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic.topicName(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            Map<TopicPartition, Long> earliest = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> latest = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndTimestamp> fromOffsets = consumer.offsetsForTimes(at(partitions, request.fromMs()));
            Map<TopicPartition, OffsetAndTimestamp> toOffsets = consumer.offsetsForTimes(at(partitions, request.toMs()));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp from = fromOffsets.get(partition);
                OffsetAndTimestamp to = toOffsets.get(partition);
                long start = from == null ? latest.get(partition) : from.offset();
                long end = to == null ? latest.get(partition) : to.offset();
                boolean truncated = earliest.get(partition) > 0 && from != null && start == earliest.get(partition)
                        && from.timestamp() > request.fromMs();
                if (truncated) {
                    out.printf("note: %s: records before %s are past retention; the earliest still there is from %s%n",
                            partition, Instant.ofEpochMilli(request.fromMs()), Instant.ofEpochMilli(from.timestamp()));
                }
                slices.add(new Slice(partition, start, Math.max(start, end), truncated));
            }
        }
        return slices;
    }

    /** Prints the plan; with a container, also counts its records in the range (reading keys only). */
    public void dryRun(ReplayRequest request) throws ClickHouseException {
        List<Slice> slices = plan(request);
        long total = 0;
        for (Slice slice : slices) {
            out.printf("%-22s offsets %d..%d: %d record(s)%n", slice.partition(), slice.start(), slice.end(), slice.records());
            total += slice.records();
        }
        out.printf("would read %d record(s) from %s to %s%n", total, Instant.ofEpochMilli(request.fromMs()),
                Instant.ofEpochMilli(request.toMs()));
        if (request.container() != null) {
            long matched = scan(slices, request, record -> {
            }, () -> 0, () -> false).matched();
            out.printf("of which %d for container %s%n", matched, request.container());
            if (matched == 0) {
                out.printf("no record of container %s in that range: check the id (containers are case-sensitive)%n",
                        request.container());
            }
        }
    }

    /** Replays the range into ClickHouse; {@code stop} is polled between batches (Ctrl-C). */
    public Summary replay(ReplayRequest request, BooleanSupplier stop) throws Exception {
        Writing writing = new Writing();
        Summary scanned = scan(plan(request), request, writing::add, () -> writing.rows, stop);
        writing.flush();
        Summary summary = new Summary(scanned.read(), scanned.matched(), writing.rows, writing.unmappable,
                scanned.interrupted());
        out.printf("%s: read %d record(s), %d matched, wrote %d row(s), %d unmappable (skipped; the live sink sent them"
                        + " to the DLQ)%n", summary.interrupted() ? "interrupted" : "done", summary.read(), summary.matched(),
                summary.rows(), summary.unmappable());
        if (summary.interrupted()) {
            out.println("what was written is complete per row and deduplicated: run the same command again to finish");
        }
        if (request.container() != null && summary.matched() == 0) {
            out.printf("no record of container %s in that range: check the id (containers are case-sensitive)%n",
                    request.container());
        }
        return summary;
    }

    /** The rows of a replay on their way to ClickHouse, in batches of {@code batchRows}. */
    private final class Writing {
        private final RowBatch batch = new RowBatch();
        private long rows;
        private long unmappable;

        void add(ConsumerRecord<byte[], byte[]> record) throws ClickHouseException {
            try {
                batch.addAll(mapper.map(record));
            } catch (UnmappableRecordException e) {
                unmappable++;
            }
            if (batch.rowCount() >= batchRows) {
                flush();
            }
        }

        void flush() throws ClickHouseException {
            if (!batch.isEmpty()) {
                rows += writer.write(batch).values().stream().mapToLong(Integer::longValue).sum();
                batch.clear();
            }
        }
    }

    @FunctionalInterface
    interface RecordHandler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws ClickHouseException;
    }

    /** Reads the slices, handing on the records of the request's container; a progress line every 2 s. */
    Summary scan(List<Slice> slices, ReplayRequest request, RecordHandler onRecord, LongSupplier rowsWritten,
            BooleanSupplier stop) throws ClickHouseException {
        Map<TopicPartition, Long> ends = new HashMap<>();
        List<TopicPartition> assigned = new ArrayList<>();
        for (Slice slice : slices) {
            if (slice.records() > 0) {
                ends.put(slice.partition(), slice.end());
                assigned.add(slice.partition());
            }
        }
        consumer.assign(assigned);
        for (Slice slice : slices) {
            if (slice.records() > 0) {
                consumer.seek(slice.partition(), slice.start());
            }
        }
        long total = slices.stream().mapToLong(Slice::records).sum();
        long read = 0;
        long matched = 0;
        long began = System.nanoTime();
        long lastProgress = began;
        while (!ends.isEmpty()) {
            if (stop.getAsBoolean()) {
                consumer.assign(List.of());
                return new Summary(read, matched, 0, 0, true);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                Long end = ends.get(partition);
                if (end == null || record.offset() >= end) {
                    continue;
                }
                read++;
                if (request.container() == null || (record.key() != null
                        && request.container().equals(new String(record.key(), StandardCharsets.UTF_8)))) {
                    matched++;
                    onRecord.accept(record);
                }
            }
            for (TopicPartition partition : List.copyOf(ends.keySet())) {
                if (consumer.position(partition) >= ends.get(partition)) {
                    ends.remove(partition);
                    consumer.pause(List.of(partition));
                }
            }
            long now = System.nanoTime();
            if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
                lastProgress = now;
                double seconds = (now - began) / 1e9;
                double rate = read / seconds;
                out.printf("read %d/%d record(s), %d row(s) written, %.0f records/s, ETA %.0f s%n", read, total,
                        rowsWritten.getAsLong(), rate, rate > 0 ? (total - read) / rate : Double.NaN);
            }
        }
        consumer.assign(List.of());
        return new Summary(read, matched, 0, 0, false);
    }

    private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, long timestampMs) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, timestampMs));
        return query;
    }
}
