package io.probr.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class IngestMetadataTest {
    private static final UUID ID = UUID.fromString("01a23af5-2f9a-71ee-89a3-efe9a6178983");

    @Test
    void theEdgesRecordIsKeyedByContainerWithTheBodyAndFourHeadersThatReadBack() throws Exception {
        IngestMetadata metadata = new IngestMetadata(ID, 1_796_284_800_000L, "pk_abc", "shop-fr");
        ProducerRecord<byte[], byte[]> record = metadata.record(Topic.EVENTS, "GTM-A", new byte[] {'{', '}'});
        assertEquals(Topic.EVENTS.topicName(), record.topic());
        assertEquals("GTM-A", new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(4, record.headers().toArray().length);
        assertEquals("1796284800000", IngestHeaders.read(record.headers(), IngestHeaders.RECEIVED_AT_MS));
        assertEquals(metadata, IngestMetadata.readFrom(record.headers()));
    }

    @Test
    void onlyTheIngestIdIsRequiredAndMalformedValuesAreRefused() throws Exception {
        RecordHeaders idOnly = new RecordHeaders();
        idOnly.add(IngestHeaders.INGEST_ID, ID.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(new IngestMetadata(ID, 0, "", ""), IngestMetadata.readFrom(idOnly));
        assertEquals(OptionalLong.empty(), IngestMetadata.receivedAt(idOnly));

        IngestMetadata.InvalidMetadataException missing = assertThrows(IngestMetadata.InvalidMetadataException.class,
                () -> IngestMetadata.readFrom(new RecordHeaders()));
        assertEquals("header probr-ingest-id is missing", missing.getMessage());

        RecordHeaders notUuid = new RecordHeaders();
        notUuid.add(IngestHeaders.INGEST_ID, "nope".getBytes(StandardCharsets.UTF_8));
        assertThrows(IngestMetadata.InvalidMetadataException.class, () -> IngestMetadata.readFrom(notUuid));

        idOnly.add(IngestHeaders.RECEIVED_AT_MS, "soon".getBytes(StandardCharsets.UTF_8));
        assertEquals("header probr-received-at-ms is not a number: soon",
                assertThrows(IngestMetadata.InvalidMetadataException.class, () -> IngestMetadata.readFrom(idOnly))
                        .getMessage());
    }
}
