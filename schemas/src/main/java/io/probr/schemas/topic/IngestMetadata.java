package io.probr.schemas.topic;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * What the edge knows about a request it accepted, carried in the four {@link IngestHeaders} of every record it
 * writes. The one place that writes and reads them: the edge, the sink, the aggregator and every test and
 * benchmark that stands in for the edge.
 *
 * @param ingestId     unique and time-ordered (UUIDv7): the idempotency key all the way into ClickHouse
 * @param receivedAtMs when the edge received the request
 * @param keyId        public id of the ingestion key (never the secret); empty when unknown
 * @param siteId       site of that key; empty when unknown
 */
public record IngestMetadata(UUID ingestId, long receivedAtMs, String keyId, String siteId) {

    /** A header is missing or does not hold what the edge writes. */
    public static final class InvalidMetadataException extends Exception {
        InvalidMetadataException(String message) {
            super(message);
        }
    }

    /** The record the edge writes for an accepted body: keyed by container id, the bytes as received. */
    public ProducerRecord<byte[], byte[]> record(Topic topic, String containerId, byte[] body) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.topicName(),
                containerId.getBytes(StandardCharsets.UTF_8), body);
        writeTo(record.headers());
        return record;
    }

    public Headers writeTo(Headers headers) {
        return headers.add(IngestHeaders.INGEST_ID, utf8(ingestId.toString()))
                .add(IngestHeaders.RECEIVED_AT_MS, utf8(Long.toString(receivedAtMs)))
                .add(IngestHeaders.KEY_ID, utf8(keyId))
                .add(IngestHeaders.SITE_ID, utf8(siteId));
    }

    /**
     * The metadata of a record from the edge. The ingest id is required; a record without a received-at (written
     * by hand) reads as received at 0, one without key or site with empty ids.
     */
    public static IngestMetadata readFrom(Headers headers) throws InvalidMetadataException {
        String id = IngestHeaders.read(headers, IngestHeaders.INGEST_ID);
        if (id == null) {
            throw new InvalidMetadataException("header " + IngestHeaders.INGEST_ID + " is missing");
        }
        UUID ingestId;
        try {
            ingestId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException("header " + IngestHeaders.INGEST_ID + " is not a UUID: " + id);
        }
        String receivedAt = IngestHeaders.read(headers, IngestHeaders.RECEIVED_AT_MS);
        OptionalLong parsed = parseMillis(receivedAt);
        if (receivedAt != null && parsed.isEmpty()) {
            throw new InvalidMetadataException("header " + IngestHeaders.RECEIVED_AT_MS + " is not a number: "
                    + receivedAt);
        }
        return new IngestMetadata(ingestId, parsed.orElse(0), orEmpty(IngestHeaders.read(headers, IngestHeaders.KEY_ID)),
                orEmpty(IngestHeaders.read(headers, IngestHeaders.SITE_ID)));
    }

    /** The received-at header, when present and a number. */
    public static OptionalLong receivedAt(Headers headers) {
        return parseMillis(IngestHeaders.read(headers, IngestHeaders.RECEIVED_AT_MS));
    }

    private static OptionalLong parseMillis(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
