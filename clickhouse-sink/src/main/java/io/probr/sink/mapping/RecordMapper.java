package io.probr.sink.mapping;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.EventTimeRule;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record into the rows it stands for. Deterministic: the same record always gives the same
 * rows with the same identity, which is what makes replays and retries idempotent in ClickHouse. Records are
 * validated against the schemas and the {@link EventTimeRule} again, since anyone with access to the topics could
 * have written them (the wall clock only bounds a received-at header that lies).
 */
public final class RecordMapper {
    private static final int MAX_PART_LENGTH = 200;

    private final PayloadValidator validator;
    private final EventTimeRule timeRule;
    private final LongSupplier wallClock;

    public RecordMapper(PayloadValidator validator, EventTimeRule timeRule, LongSupplier wallClock) {
        this.validator = validator;
        this.timeRule = timeRule;
        this.wallClock = wallClock;
    }

    public RowBatch map(ConsumerRecord<byte[], byte[]> record) throws UnmappableRecordException {
        if (record.value() == null) {
            throw new UnmappableRecordException(DeadLetterReason.INVALID_PAYLOAD, "record has no value");
        }
        ParsedPayload parsed = validator.parse(record.value());
        if (parsed instanceof ParsedPayload.Invalid invalid) {
            throw new UnmappableRecordException(DeadLetterReason.INVALID_PAYLOAD,
                    "invalid payload: " + String.join("; ", invalid.errors()));
        }
        String topic = record.topic();
        if (topic.equals(Topic.EVENTS.topicName())) {
            if (!(parsed instanceof ParsedPayload.PerEvent perEvent)) {
                throw new UnmappableRecordException(DeadLetterReason.WRONG_TOPIC, "a batched payload on " + topic);
            }
            trusted(timeRule.check(perEvent.payload(), arrivedAt(record)));
            return eventRows(perEvent.payload(), metadata(record.headers()));
        }
        if (!(parsed instanceof ParsedPayload.Batched batched)) {
            throw new UnmappableRecordException(DeadLetterReason.WRONG_TOPIC, "a per-event payload on " + topic);
        }
        if (topic.equals(Topic.BATCHES.topicName())) {
            trusted(timeRule.check(batched.payload(), arrivedAt(record)));
            String part = metadata(record.headers()).ingestId().toString();
            return windowRows(batched.payload(), Rows.Source.TAG_BATCH, part);
        }
        if (topic.equals(Topic.WINDOWS.topicName())) {
            trusted(timeRule.checkComputedWindow(batched.payload()));
            return streamWindowRows(batched.payload(), windowPart(record.headers()));
        }
        throw new UnmappableRecordException(DeadLetterReason.WRONG_TOPIC, "the sink does not read topic " + topic);
    }

    /** Only for the edge's records: a window's record has no arrival of its own. */
    private long arrivedAt(ConsumerRecord<byte[], byte[]> record) {
        return timeRule.arrivalOf(record.headers(), record.timestamp(), wallClock.getAsLong());
    }

    /** Never a wrapped or impossible time in ClickHouse: such a record is a dead letter with its reason. */
    private static void trusted(EventTimeRule.Violation violation) throws UnmappableRecordException {
        if (violation != null) {
            throw new UnmappableRecordException(violation.reason(), violation.message());
        }
    }

    private static RowBatch eventRows(PerEventPayload event, IngestMetadata metadata) {
        UUID ingestId = metadata.ingestId();
        RowBatch rows = new RowBatch();
        rows.events().add(new Rows.EventRow(ingestId, event.containerId(), event.eventName(), event.timestampMs(),
                metadata.receivedAtMs(), metadata.keyId(), metadata.siteId(), event.tags().size(),
                event.userData(), event.ecommerce()));
        List<PerEventPayload.Tag> tags = event.tags();
        for (int i = 0; i < tags.size(); i++) {
            PerEventPayload.Tag tag = tags.get(i);
            rows.tagExecutions().add(new Rows.TagExecutionRow(ingestId, i, event.containerId(), event.eventName(),
                    event.timestampMs(), tag.key(), tag.id(), orEmpty(tag.name()), tag.status(), tag.executionTime()));
        }
        return rows;
    }

    /** The rows of a window computed from per-event payloads, as the aggregator's records give them. */
    public static RowBatch streamWindowRows(BatchedPayload window, String part) {
        return windowRows(window, Rows.Source.STREAM, part);
    }

    private static RowBatch windowRows(BatchedPayload window, Rows.Source source, String part) {
        Rows.WindowKey key = new Rows.WindowKey(source, window.containerId(), window.windowStartMs(),
                window.windowEndMs(), part);
        RowBatch rows = new RowBatch();
        rows.windows().add(new Rows.WindowRow(key, window));
        for (Map.Entry<String, BatchedPayload.TagMetrics> tag : window.tagMetrics().entrySet()) {
            rows.tagWindows().add(new Rows.TagWindowRow(key, tag.getKey(), tag.getValue()));
        }
        return rows;
    }

    private static IngestMetadata metadata(Headers headers) throws UnmappableRecordException {
        try {
            return IngestMetadata.readFrom(headers);
        } catch (IngestMetadata.InvalidMetadataException e) {
            throw new UnmappableRecordException(DeadLetterReason.INVALID_METADATA, e.getMessage());
        }
    }

    private static String windowPart(Headers headers) throws UnmappableRecordException {
        String part = IngestHeaders.read(headers, WindowHeaders.WINDOW_PART);
        if (part == null || part.isBlank() || part.length() > MAX_PART_LENGTH) {
            throw new UnmappableRecordException(DeadLetterReason.INVALID_METADATA,
                    "header " + WindowHeaders.WINDOW_PART + " is missing or invalid");
        }
        return part;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
