package io.probr.sink.replay;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.EventTimeRule;
import io.probr.schemas.window.WindowAccumulator;
import io.probr.schemas.window.WindowSpec;
import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import io.probr.sink.mapping.RowBatch;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./probr replay --rebuild-windows}: recomputes, from {@code probr.events.v1}, the stream windows whose
 * start is in a range of event time, with the current window size, and puts them in place of the stream rows
 * stored for that range (the aggregator's {@code final} and {@code late-*} parts, whatever their size). Each
 * rebuilt window is one {@code final} part, the identity the aggregator gives a window, so a later replay of
 * {@code probr.windows.v1} with the same size replaces it instead of adding to it. Batches the tags sent
 * ({@code source = 'tag_batch'}) are not touched.
 *
 * <p>Order matters for "nothing counted twice": all events are read and aggregated first (Ctrl-C there changes
 * nothing), then the live aggregator and sink must have caught up with those events (otherwise a correction
 * they write after the delete would add to a rebuilt window), then the stored rows are deleted and the
 * rebuilt ones written. Events for the range that arrive meanwhile are counted and reported: a second run
 * includes them.
 */
public final class WindowRebuild {
    private static final Duration MUTATION_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> WINDOW_TABLES = List.of("probr.windows", "probr.tag_windows");

    /** What a rebuild did; {@code arrivedMeanwhile} events for the range came in after it read the topic. */
    public record Summary(long read, long events, long windows, long replacedRows, long rows, long arrivedMeanwhile,
            boolean interrupted) {
    }

    /** Window starts from {@code fromMs} (included) to {@code toMs} (excluded), both window boundaries. */
    record Range(long fromMs, long toMs) {
        boolean contains(long startMs) {
            return startMs >= fromMs && startMs < toMs;
        }
    }

    private final Replayer replayer;
    private final Consumer<byte[], byte[]> consumer;
    private final PayloadValidator validator;
    private final EventTimeRule timeRule;
    private final ClickHouseHttp clickHouse;
    private final ClickHouseWriter writer;
    private final LiveGroups live;
    private final WindowSpec spec;
    private final int batchRows;
    private final PrintStream out;

    public WindowRebuild(Consumer<byte[], byte[]> consumer, PayloadValidator validator, EventTimeRule timeRule,
            ClickHouseHttp clickHouse, ClickHouseWriter writer, LiveGroups live, WindowSpec spec, int batchRows,
            PrintStream out) {
        this.replayer = new Replayer(consumer, new RecordMapper(validator, timeRule, System::currentTimeMillis), writer,
                batchRows, out);
        this.consumer = consumer;
        this.validator = validator;
        this.timeRule = timeRule;
        this.clickHouse = clickHouse;
        this.writer = writer;
        this.live = live;
        this.spec = spec;
        this.batchRows = batchRows;
        this.out = out;
    }

    /**
     * The windows a request covers: whole windows, from the one containing {@code --from} to the last one
     * closed by now (a window still open is the aggregator's to finish).
     */
    Range range(ReplayRequest request, long nowMs) {
        long from = spec.startOf(request.fromMs());
        long lastClosedEnd = spec.startOf(nowMs - spec.graceMs());
        long to = Math.min(spec.startOf(request.toMs() - 1) + spec.sizeMs(), lastClosedEnd);
        if (to <= from) {
            throw new IllegalArgumentException("no closed window in that range: windows of " + spec.sizeMs()
                    + " ms close " + spec.graceMs() + " ms after their end");
        }
        return new Range(from, to);
    }

    public void dryRun(ReplayRequest request, long nowMs) throws ClickHouseException {
        Range range = range(request, nowMs);
        describe(range, request);
        List<Replayer.Slice> slices = complete(replayer.plan(eventsRead(range, request)));
        for (Replayer.Slice slice : slices) {
            out.printf("%-22s offsets %d..%d: %d record(s)%n", slice.partition(), slice.start(), slice.end(),
                    slice.records());
        }
        out.printf("would read %d event record(s) and replace the %d stream row(s) stored for these windows%n",
                slices.stream().mapToLong(Replayer.Slice::records).sum(), storedRows(range, request));
    }

    public Summary rebuild(ReplayRequest request, long nowMs, BooleanSupplier stop) throws Exception {
        Range range = range(request, nowMs);
        describe(range, request);
        ReplayRequest read = eventsRead(range, request);
        List<Replayer.Slice> slices = complete(replayer.plan(read));
        Map<TopicPartition, Long> readUpTo = ends(slices);
        Aggregation aggregation = new Aggregation(range);
        Replayer.Summary scanned = replayer.scan(slices, read, aggregation::add, () -> 0, stop);
        if (scanned.interrupted()) {
            out.println("interrupted while reading: nothing was changed");
            return new Summary(scanned.read(), aggregation.events, 0, 0, 0, 0, true);
        }
        out.printf("read %d record(s): %d event(s) in %d window(s)%n", scanned.read(), aggregation.events,
                aggregation.windows.size());
        if (aggregation.events == 0) {
            out.printf("no event%s in that range: nothing was changed%n",
                    request.container() == null ? "" : " of container " + request.container() + " (ids are case-sensitive)");
            return new Summary(scanned.read(), 0, 0, 0, 0, 0, false);
        }

        live.awaitAggregatorProcessed(readUpTo);
        live.awaitSinkStored();

        // From here on Ctrl-C waits: the delete and the writes finish together.
        long replaced = storedRows(range, request);
        deleteStored(range, request);
        long rows = 0;
        RowBatch batch = new RowBatch();
        for (BatchedPayload window : aggregation.windows.values()) {
            batch.addAll(RecordMapper.streamWindowRows(window, WindowHeaders.FINAL_PART));
            if (batch.rowCount() >= batchRows) {
                rows += write(batch);
            }
        }
        rows += write(batch);
        long meanwhile = arrivedSince(readUpTo, range, request);
        Summary summary = new Summary(scanned.read(), aggregation.events, aggregation.windows.size(), replaced, rows,
                meanwhile, false);
        out.printf("done: %d window(s) rebuilt from %d event(s); %d stored stream row(s) replaced by %d%n",
                summary.windows(), summary.events(), summary.replacedRows(), summary.rows());
        if (meanwhile > 0) {
            out.printf("%d event(s) for this range arrived while rebuilding and may be missing from it:"
                    + " run the same command again%n", meanwhile);
        }
        return summary;
    }

    private void describe(Range range, ReplayRequest request) {
        out.printf("rebuilding the windows of %d ms starting from %s to %s%s%n", spec.sizeMs(),
                Instant.ofEpochMilli(range.fromMs()), Instant.ofEpochMilli(range.toMs()),
                request.container() == null ? "" : " for container " + request.container());
    }

    /** A rebuild from a topic missing the range's first events would replace windows with smaller ones. */
    private static List<Replayer.Slice> complete(List<Replayer.Slice> slices) {
        if (slices.stream().anyMatch(Replayer.Slice::truncated)) {
            throw new IllegalArgumentException("the events of that range are partly past retention (see above):"
                    + " rebuilding would lose counts; choose a later --from");
        }
        return slices;
    }

    /**
     * Events are found by arrival: from the allowed clock skew before the range (an event stamped ahead of its
     * arrival) to the end of the topic.
     */
    private ReplayRequest eventsRead(Range range, ReplayRequest request) {
        return new ReplayRequest(Math.max(0, range.fromMs() - timeRule.maxSkewMs()), Long.MAX_VALUE, request.container(),
                List.of(Topic.EVENTS), request.dryRun(), true);
    }

    /** The events of the range, aggregated into windows. */
    private final class Aggregation {
        private final Range range;
        private final Map<String, BatchedPayload> windows = new HashMap<>();
        private long events;

        Aggregation(Range range) {
            this.range = range;
        }

        void add(ConsumerRecord<byte[], byte[]> record) {
            PerEventPayload event = event(record);
            if (event == null) {
                return;
            }
            long start = spec.startOf(event.timestampMs());
            if (!range.contains(start)) {
                return;
            }
            windows.compute(start + "|" + event.containerId(), (key, window) -> WindowAccumulator.add(window != null
                    ? window : WindowAccumulator.empty(event.containerId(), start, start + spec.sizeMs()), event));
            events++;
        }
    }

    /** The valid, trusted per-event payload of a record, or null; the aggregator sent the others to the DLQ. */
    private PerEventPayload event(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null || !(validator.parse(record.value()) instanceof ParsedPayload.PerEvent perEvent)) {
            return null;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        long arrivedAtMs = timeRule.arrivalOf(record.headers(), record.timestamp(), System.currentTimeMillis());
        return perEvent.payload().containerId().equals(key) && timeRule.check(perEvent.payload(), arrivedAtMs) == null
                ? perEvent.payload() : null;
    }

    private long storedRows(Range range, ReplayRequest request) throws ClickHouseException {
        long rows = 0;
        for (String table : WINDOW_TABLES) {
            rows += Long.parseLong(clickHouse.query("SELECT count() FROM " + table + " FINAL WHERE "
                    + streamRowsOf(range, request) + " FORMAT TabSeparated").strip());
        }
        return rows;
    }

    /** ALTER ... DELETE is asynchronous on every version: wait until both mutations are done. */
    private void deleteStored(Range range, ReplayRequest request) throws ClickHouseException, InterruptedException {
        for (String table : WINDOW_TABLES) {
            clickHouse.query("ALTER TABLE " + table + " DELETE WHERE " + streamRowsOf(range, request));
        }
        long deadline = System.nanoTime() + MUTATION_TIMEOUT.toNanos();
        while (!"0".equals(clickHouse.query("SELECT count() FROM system.mutations WHERE database = 'probr'"
                + " AND table IN ('windows', 'tag_windows') AND is_done = 0 FORMAT TabSeparated").strip())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ClickHouse did not finish deleting the old windows in "
                        + MUTATION_TIMEOUT + "; see system.mutations, then run the same command again");
            }
            Thread.sleep(100); // ClickHouse offers no way to wait for a mutation on 18.16
        }
    }

    private static String streamRowsOf(Range range, ReplayRequest request) {
        return "source = 'stream' AND window_start_ms >= " + range.fromMs() + " AND window_start_ms < " + range.toMs()
                + (request.container() == null ? "" : " AND container_id = " + sqlString(request.container()));
    }

    static String sqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private int write(RowBatch batch) throws ClickHouseException {
        if (batch.isEmpty()) {
            return 0;
        }
        int rows = writer.write(batch).values().stream().mapToInt(Integer::intValue).sum();
        batch.clear();
        return rows;
    }

    /** Events of the range that reached the topic after the rebuild read it. */
    private long arrivedSince(Map<TopicPartition, Long> readUpTo, Range range, ReplayRequest request) throws Exception {
        Map<TopicPartition, Long> now = consumer.endOffsets(readUpTo.keySet());
        List<Replayer.Slice> newer = readUpTo.entrySet().stream()
                .map(e -> new Replayer.Slice(e.getKey(), e.getValue(), now.get(e.getKey()), false))
                .toList();
        Aggregation late = new Aggregation(range);
        replayer.scan(newer, eventsRead(range, request), late::add, () -> 0, () -> false);
        return late.events;
    }

    private static Map<TopicPartition, Long> ends(List<Replayer.Slice> slices) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        slices.forEach(slice -> ends.put(slice.partition(), slice.end()));
        return ends;
    }
}
