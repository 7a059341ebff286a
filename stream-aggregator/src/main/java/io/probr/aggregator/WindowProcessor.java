package io.probr.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.schemas.BatchedPayload;
import io.probr.schemas.DlqHeaders;
import io.probr.schemas.IngestHeaders;
import io.probr.schemas.ParsedPayload;
import io.probr.schemas.PayloadValidator;
import io.probr.schemas.PerEventPayload;
import io.probr.schemas.WindowAccumulator;
import io.probr.schemas.WindowHeaders;
import io.probr.schemas.WindowSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
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
 * too, so lateness is decided the same way after a restart and on a re-run over the same input. An event
 * whose window already closed is not dropped: it is emitted as a correction part of its window.
 */
final class WindowProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(WindowProcessor.class);
    private static final String STREAM_TIME_KEY = "stream-time";

    private final WindowSpec spec;
    private final PayloadValidator validator;
    private final ObjectMapper mapper;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> openWindows;
    private KeyValueStore<String, Long> streamTimes;
    private Sensor lateEvents;
    private Sensor deadLetters;

    WindowProcessor(WindowSpec spec, PayloadValidator validator, ObjectMapper mapper) {
        this.spec = spec;
        this.validator = validator;
        this.mapper = mapper;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.openWindows = context.getStateStore(WindowTopology.OPEN_WINDOWS_STORE);
        this.streamTimes = context.getStateStore(WindowTopology.STREAM_TIME_STORE);
        this.lateEvents = counter(WindowTopology.LATE_EVENTS_METRIC);
        this.deadLetters = counter(WindowTopology.DLQ_METRIC);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ParsedPayload parsed = record.value() == null
                ? new ParsedPayload.Invalid(List.of("empty record value"))
                : validator.parse(record.value());
        if (!(parsed instanceof ParsedPayload.PerEvent perEvent)) {
            String reason = parsed instanceof ParsedPayload.Invalid invalid
                    ? String.join("; ", invalid.errors())
                    : "a batched payload on the per-event topic";
            deadLetter(record, reason);
            return;
        }
        PerEventPayload event = perEvent.payload();
        if (record.key() == null || !event.containerId().equals(new String(record.key(), StandardCharsets.UTF_8))) {
            deadLetter(record, "record key does not match container_id " + event.containerId());
            return;
        }
        long streamTime = Math.max(streamTime(), event.timestampMs());
        long start = spec.startOf(event.timestampMs());
        if (spec.isClosed(start, streamTime)) {
            lateEvents.record();
            BatchedPayload correction = WindowAccumulator.add(
                    WindowAccumulator.empty(event.containerId(), start, start + spec.sizeMs()), event);
            emit(record, correction, WindowHeaders.LATE_PART_PREFIX + lateEventId(record));
            return;
        }
        String key = windowKey(start, event.containerId());
        byte[] stored = openWindows.get(key);
        BatchedPayload window = stored == null
                ? WindowAccumulator.empty(event.containerId(), start, start + spec.sizeMs())
                : read(stored);
        openWindows.put(key, write(WindowAccumulator.add(window, event)));
        if (streamTime > streamTime()) {
            streamTimes.put(STREAM_TIME_KEY, streamTime);
            closeWindows(record, streamTime);
        }
    }

    private void closeWindows(Record<byte[], byte[]> trigger, long streamTime) {
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
            emit(trigger, read(entry.value), WindowHeaders.FINAL_PART);
        }
    }

    private void emit(Record<byte[], byte[]> trigger, BatchedPayload window, String part) {
        byte[] value = write(window);
        List<String> errors = validator.batchedSchemaErrors(readTree(value));
        if (!errors.isEmpty()) {
            // Never expected: the accumulator only builds valid windows. Kept visible rather than dropped.
            deadLetter(trigger.withValue(value), "computed window fails the batched schema: " + errors);
            return;
        }
        Record<byte[], byte[]> out = new Record<>(window.containerId().getBytes(StandardCharsets.UTF_8), value,
                trigger.timestamp());
        out.headers().add(WindowHeaders.WINDOW_PART, part.getBytes(StandardCharsets.UTF_8));
        context.forward(out, WindowTopology.WINDOWS_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        deadLetters.record();
        Record<byte[], byte[]> out = record.withHeaders(copy(record.headers()));
        DlqHeaders.addFailure(out.headers(), reason, "stream-aggregator");
        context.recordMetadata().ifPresent(source ->
                DlqHeaders.addSource(out.headers(), source.topic(), source.partition(), source.offset()));
        log.warn("record sent to the DLQ: {}", reason);
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

    private long streamTime() {
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

    /** A {@code <operation>-total} and {@code <operation>-rate} metric per task, group {@code stream-probr-metrics}. */
    private Sensor counter(String operation) {
        return context.metrics().addRateTotalSensor("probr", context.taskId().toString(), operation,
                Sensor.RecordingLevel.INFO);
    }

    @Override
    public void close() {
        context.metrics().removeSensor(lateEvents);
        context.metrics().removeSensor(deadLetters);
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
