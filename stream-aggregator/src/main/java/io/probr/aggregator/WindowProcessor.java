package io.probr.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.metrics.AggregatorMetrics;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.EventTimeRule;
import io.probr.schemas.window.WindowAccumulator;
import io.probr.schemas.window.WindowSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-event records in, closed windows out. Open windows live in a changelogged store keyed by
 * {@code start|container} so they iterate in start order; the partition's stream time lives in a store
 * too, so lateness is decided the same way after a restart. An event whose window already closed is not
 * dropped: it is emitted as a correction part of its window.
 *
 * <p>Stream time is the largest trusted event time seen, advanced by the wall clock since it was last set, so
 * the last window of a quiet partition closes on time. Only the time that passes while this processor runs
 * counts: a backlog read after downtime is still windowed by its own times, not turned into corrections.
 * Event times more than the allowed skew ahead of their arrival never reach stream time (dead letters).
 */
final class WindowProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(WindowProcessor.class);
    private static final String STREAM_TIME_KEY = "stream-time";

    private final WindowSpec spec;
    private final EventTimeRule timeRule;
    private final long wallClockTickMs;
    private final PayloadValidator validator;
    private final ObjectMapper mapper;
    private final AggregatorMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> openWindows;
    private KeyValueStore<String, Long> streamTimes;
    /** Wall-clock time at which the stored stream time was last set. */
    private long streamTimeSetAtMs;
    private boolean storedTimeChecked;

    WindowProcessor(WindowSpec spec, EventTimeRule timeRule, long wallClockTickMs, PayloadValidator validator,
            ObjectMapper mapper, AggregatorMetrics metrics) {
        this.spec = spec;
        this.timeRule = timeRule;
        this.wallClockTickMs = wallClockTickMs;
        this.validator = validator;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.openWindows = context.getStateStore(WindowTopology.OPEN_WINDOWS_STORE);
        this.streamTimes = context.getStateStore(WindowTopology.STREAM_TIME_STORE);
        this.streamTimeSetAtMs = context.currentSystemTimeMs();
        context.schedule(Duration.ofMillis(wallClockTickMs), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = context.currentSystemTimeMs();
        repairStoredTime(now);
        ParsedPayload parsed = record.value() == null
                ? new ParsedPayload.Invalid(List.of("empty record value"))
                : validator.parse(record.value());
        if (parsed instanceof ParsedPayload.Invalid invalid) {
            deadLetter(record, DeadLetterReason.INVALID_PAYLOAD, String.join("; ", invalid.errors()));
            return;
        }
        if (!(parsed instanceof ParsedPayload.PerEvent perEvent)) {
            deadLetter(record, DeadLetterReason.WRONG_TOPIC, "a batched payload on the per-event topic");
            return;
        }
        PerEventPayload event = perEvent.payload();
        if (record.key() == null || !event.containerId().equals(new String(record.key(), StandardCharsets.UTF_8))) {
            deadLetter(record, DeadLetterReason.INVALID_METADATA,
                    "record key does not match container_id " + event.containerId());
            return;
        }
        EventTimeRule.Violation untrusted = timeRule.check(event,
                EventTimeRule.arrivalOf(record.headers(), record.timestamp(), now));
        if (untrusted != null) {
            deadLetter(record, untrusted.reason(), untrusted.message());
            return;
        }
        metrics.eventCounted();
        long streamTime = Math.max(streamTimeAt(now), event.timestampMs());
        long start = spec.startOf(event.timestampMs());
        if (spec.isClosed(start, streamTime)) {
            metrics.lateEvent();
            BatchedPayload correction = WindowAccumulator.add(
                    WindowAccumulator.empty(event.containerId(), start, start + spec.sizeMs()), event);
            emit(correction, WindowHeaders.LATE_PART_PREFIX + lateEventId(record), record.timestamp());
        } else {
            String key = windowKey(start, event.containerId());
            byte[] stored = openWindows.get(key);
            BatchedPayload window = stored == null
                    ? WindowAccumulator.empty(event.containerId(), start, start + spec.sizeMs())
                    : read(stored);
            openWindows.put(key, write(WindowAccumulator.add(window, event)));
        }
        advanceTo(streamTime, now, record.timestamp());
    }

    /** The wall clock's share: without events, windows still close once their grace has passed. */
    private void tick(long now) {
        repairStoredTime(now);
        long streamTime = streamTimeAt(now);
        if (streamTime != Long.MIN_VALUE) {
            advanceTo(streamTime, now, now);
            metrics.streamTime(context.taskId().partition(), streamTime, now);
        }
    }

    /** The stored stream time moved on by the wall-clock time since it was set; MIN_VALUE before any event. */
    private long streamTimeAt(long now) {
        long stored = storedStreamTime();
        return stored == Long.MIN_VALUE ? stored : stored + Math.max(0, now - streamTimeSetAtMs);
    }

    private void advanceTo(long streamTime, long now, long outputTimestampMs) {
        long before = storedStreamTime();
        if (streamTime > before) {
            streamTimes.put(STREAM_TIME_KEY, streamTime);
            // scanning the store only when a window boundary was crossed keeps the per-event cost flat
            if (before == Long.MIN_VALUE || spec.lastClosedStart(streamTime) > spec.lastClosedStart(before)) {
                closeWindows(streamTime, outputTimestampMs);
            }
        }
        streamTimeSetAtMs = now;
    }

    /**
     * Older code let any event time into stream time, so a store can hold one years ahead: then every window of
     * the partition closed at once and every event became a correction. Such a time is reset to the wall clock,
     * once, and the open windows it let start beyond the clock go to the DLQ (their events are not lost).
     */
    private void repairStoredTime(long now) {
        if (storedTimeChecked) {
            return;
        }
        storedTimeChecked = true;
        long stored = storedStreamTime();
        long trustedUpTo = now + timeRule.maxSkewMs();
        if (stored == Long.MIN_VALUE || stored <= trustedUpTo) {
            return;
        }
        List<KeyValue<String, byte[]>> untrusted = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = openWindows.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (startOf(entry.key) > trustedUpTo) {
                    untrusted.add(entry);
                }
            }
        }
        for (KeyValue<String, byte[]> entry : untrusted) {
            openWindows.delete(entry.key);
            BatchedPayload window = read(entry.value);
            deadLetter(new Record<>(window.containerId().getBytes(StandardCharsets.UTF_8), entry.value, now),
                    DeadLetterReason.UNTRUSTED_WINDOW, "open window starting " + Instant.ofEpochMilli(startOf(entry.key))
                            + ", beyond the clock, from a stream time stored by an older aggregator");
        }
        streamTimes.put(STREAM_TIME_KEY, now);
        streamTimeSetAtMs = now;
        log.warn("partition {}: stored stream time {} was beyond the clock ({} + {} ms of allowed skew); reset to"
                        + " {}, {} open window(s) beyond it sent to the DLQ", context.taskId().partition(),
                Instant.ofEpochMilli(stored), Instant.ofEpochMilli(now), timeRule.maxSkewMs(), Instant.ofEpochMilli(now),
                untrusted.size());
    }

    private void closeWindows(long streamTime, long outputTimestampMs) {
        List<KeyValue<String, byte[]>> closed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = openWindows.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (!spec.isClosed(startOf(entry.key), streamTime)) {
                    break;
                }
                closed.add(entry);
            }
        }
        for (KeyValue<String, byte[]> entry : closed) {
            openWindows.delete(entry.key);
            emit(read(entry.value), WindowHeaders.FINAL_PART, outputTimestampMs);
        }
    }

    private void emit(BatchedPayload window, String part, long timestampMs) {
        byte[] value = write(window);
        Record<byte[], byte[]> out = new Record<>(window.containerId().getBytes(StandardCharsets.UTF_8), value,
                timestampMs);
        List<String> errors = validator.batchedSchemaErrors(readTree(value));
        if (!errors.isEmpty()) {
            // Never expected: the accumulator only builds valid windows. Kept visible rather than dropped.
            deadLetter(out, DeadLetterReason.INVALID_WINDOW, "computed window fails the batched schema: " + errors);
            return;
        }
        out.headers().add(WindowHeaders.WINDOW_PART, part.getBytes(StandardCharsets.UTF_8));
        metrics.windowEmitted(!part.equals(WindowHeaders.FINAL_PART));
        context.forward(out, WindowTopology.WINDOWS_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
        metrics.deadLettered(reason);
        Record<byte[], byte[]> out = record.withHeaders(copy(record.headers()));
        DlqHeaders.addFailure(out.headers(), reason, message, "stream-aggregator");
        // in a punctuation the metadata is there but empty (topic null): a window has no source record
        context.recordMetadata().filter(source -> source.topic() != null).ifPresent(source ->
                DlqHeaders.addSource(out.headers(), source.topic(), source.partition(), source.offset()));
        log.warn("record sent to the DLQ ({}): {}", reason.code(), message);
        context.forward(out, WindowTopology.DLQ_SINK);
    }

    /** The ingest id makes a correction's identity stable across re-runs; offsets stand in for hand-written records. */
    private String lateEventId(Record<byte[], byte[]> record) {
        String ingestId = IngestHeaders.read(record.headers(), IngestHeaders.INGEST_ID);
        if (ingestId != null) {
            return ingestId;
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        return source.topic() + "-" + source.partition() + "-" + source.offset();
    }

    private long storedStreamTime() {
        Long stored = streamTimes.get(STREAM_TIME_KEY);
        return stored == null ? Long.MIN_VALUE : stored;
    }

    /** Zero-padded so the store's byte order is the windows' start order. */
    static String windowKey(long startMs, String containerId) {
        return String.format("%019d|%s", startMs, containerId);
    }

    private static long startOf(String windowKey) {
        return Long.parseLong(windowKey.substring(0, windowKey.indexOf('|')));
    }

    @Override
    public void close() {
        metrics.partitionClosed(context.taskId().partition());
    }

    private BatchedPayload read(byte[] bytes) {
        try {
            return mapper.readValue(bytes, BatchedPayload.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable window in the state store", e);
        }
    }

    private JsonNode readTree(byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] write(BatchedPayload window) {
        try {
            return mapper.writeValueAsBytes(window);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Headers copy(Headers headers) {
        return new RecordHeaders(headers.toArray());
    }
}
