package io.probr.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.aggregator.metrics.AggregatorMetrics;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.runtime.RepeatedWarnings;
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
 * {@code start|container} so they iterate in start order; the partition's {@link PartitionTime} lives in a store
 * too, so lateness is decided the same way after a restart. An event whose window already closed is not
 * dropped: it is emitted as a correction part of its window. A wall-clock punctuation closes the windows of a
 * quiet partition. Event times more than the allowed skew ahead of their arrival never count (dead letters).
 */
final class WindowProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(WindowProcessor.class);

    private final WindowSpec spec;
    private final EventTimeRule timeRule;
    private final long wallClockTickMs;
    private final PayloadValidator validator;
    private final ObjectMapper mapper;
    private final AggregatorMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> openWindows;
    private PartitionTime time;
    private final RepeatedWarnings warnings = new RepeatedWarnings(10, 1000);
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
        this.time = new PartitionTime(context.getStateStore(WindowTopology.STREAM_TIME_STORE), spec,
                context.currentSystemTimeMs());
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
            deadLetter(record, DeadLetterReason.INVALID_PAYLOAD, String.join("; ", invalid.errors()), true);
            return;
        }
        if (!(parsed instanceof ParsedPayload.PerEvent perEvent)) {
            deadLetter(record, DeadLetterReason.WRONG_TOPIC, "a batched payload on the per-event topic", true);
            return;
        }
        PerEventPayload event = perEvent.payload();
        if (record.key() == null || !event.containerId().equals(new String(record.key(), StandardCharsets.UTF_8))) {
            deadLetter(record, DeadLetterReason.INVALID_METADATA,
                    "record key does not match container_id " + event.containerId(), true);
            return;
        }
        long arrivedAtMs = timeRule.arrivalOf(record.headers(), record.timestamp(), now);
        EventTimeRule.Violation untrusted = timeRule.check(event, arrivedAtMs);
        if (untrusted != null) {
            deadLetter(record, untrusted.reason(), untrusted.message(), true);
            return;
        }
        metrics.eventCounted();
        time.recordRead(event.timestampMs(), arrivedAtMs, now);
        boolean closedMore = time.advance(now);
        long start = spec.startOf(event.timestampMs());
        if (time.isClosed(start)) {
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
        if (closedMore) {
            closeWindows(record.timestamp());
        }
    }

    /** The wall clock's share: without events, windows still close once their grace has passed. */
    private void tick(long now) {
        repairStoredTime(now);
        if (time.advance(now)) {
            closeWindows(now);
        }
        long closesBy = time.at(now);
        if (closesBy != Long.MIN_VALUE) {
            metrics.streamTime(context.taskId().partition(), closesBy, now);
        }
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
        long stored = time.eventTime();
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
                            + ", beyond the clock, from a stream time stored by an older aggregator", false);
        }
        time.resetTo(now);
        closeWindows(now);
        log.warn("partition {}: stored stream time {} was beyond the clock ({} + {} ms of allowed skew); reset to"
                        + " {}, {} open window(s) beyond it sent to the DLQ", context.taskId().partition(),
                Instant.ofEpochMilli(stored), Instant.ofEpochMilli(now), timeRule.maxSkewMs(), Instant.ofEpochMilli(now),
                untrusted.size());
    }

    private void closeWindows(long outputTimestampMs) {
        List<KeyValue<String, byte[]>> closed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = openWindows.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (!time.isClosed(startOf(entry.key))) {
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
            deadLetter(out, DeadLetterReason.INVALID_WINDOW, "computed window fails the batched schema: " + errors,
                    false);
            return;
        }
        out.headers().add(WindowHeaders.WINDOW_PART, part.getBytes(StandardCharsets.UTF_8));
        metrics.windowEmitted(!part.equals(WindowHeaders.FINAL_PART));
        context.forward(out, WindowTopology.WINDOWS_SINK);
    }

    /** {@code fromSource}: the record is the one being read (not a window), so its source offsets apply. */
    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message,
            boolean fromSource) {
        metrics.deadLettered(reason);
        Record<byte[], byte[]> out = record.withHeaders(copy(record.headers()));
        DlqHeaders.addFailure(out.headers(), reason, message, "stream-aggregator");
        if (fromSource) {
            context.recordMetadata().ifPresent(source ->
                    DlqHeaders.addSource(out.headers(), source.topic(), source.partition(), source.offset()));
        }
        long n = warnings.count(reason.code());
        if (n > 0) {
            log.warn("record sent to the DLQ ({}, #{} of its kind on partition {}; all counted in"
                    + " probr_aggregator_dlq_records_total): {}", reason.code(), n, context.taskId().partition(), message);
        }
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
