package io.probr.sink;

import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.EventTimeRule;
import io.probr.sink.mapping.RecordMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Records as the edge and the aggregator write them, for the sink's tests. */
public final class TestRecords {
    /** A received-at for records stamped in the past: an event time after it would be refused as future. */
    public static final long RECEIVED_NOW = System.currentTimeMillis();

    private TestRecords() {
    }

    /** The sink's mapper with the default clock skew and the real clock. */
    public static RecordMapper mapper() {
        return new RecordMapper(new PayloadValidator(), new EventTimeRule(600_000), System::currentTimeMillis);
    }

    public static String example(String name) {
        try (InputStream in = TestRecords.class.getResourceAsStream("/examples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A payload as the edge publishes it, received {@link #RECEIVED_NOW}. */
    public static ProducerRecord<byte[], byte[]> fromEdge(Topic topic, String containerId, String json, UUID ingestId) {
        return fromEdge(topic, containerId, json, ingestId, RECEIVED_NOW);
    }

    /** A per-event or batched payload as the edge publishes it: raw bytes and the edge's headers. */
    public static ProducerRecord<byte[], byte[]> fromEdge(Topic topic, String containerId, String json, UUID ingestId,
            long receivedAtMs) {
        return new IngestMetadata(ingestId, receivedAtMs, "pk_test", "shop").record(topic, containerId, utf8(json));
    }

    /** A window as the aggregator publishes it. */
    public static ProducerRecord<byte[], byte[]> fromAggregator(String containerId, String json, String part) {
        Headers headers = new RecordHeaders().add(WindowHeaders.WINDOW_PART, utf8(part));
        return new ProducerRecord<>(Topic.WINDOWS.topicName(), null, utf8(containerId), utf8(json), headers);
    }

    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
