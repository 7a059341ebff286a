package io.probr.ingest.kafka;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.probr.ingest.auth.ApiKey;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds the record the edge writes for an accepted payload: keyed by container id, the body bytes as
 * received (after gzip decoding), and the headers every consumer relies on.
 */
public final class IngestRecords {
    private final TimeBasedEpochGenerator ingestIds = Generators.timeBasedEpochGenerator();
    private final Topic perEventTopic;
    private final Topic batchedTopic;

    private IngestRecords(Topic perEventTopic, Topic batchedTopic) {
        this.perEventTopic = perEventTopic;
        this.batchedTopic = batchedTopic;
    }

    /** Records for the pipeline's topics. */
    public static IngestRecords forPipeline() {
        return new IngestRecords(Topic.EVENTS, Topic.BATCHES);
    }

    /** Records for the edge's warm-up topic, whatever their shape. */
    public static IngestRecords forWarmup() {
        return new IngestRecords(Topic.EDGE_WARMUP, Topic.EDGE_WARMUP);
    }

    public ProducerRecord<byte[], byte[]> perEvent(String containerId, byte[] body, ApiKey key, long receivedAtMs) {
        return create(perEventTopic, containerId, body, key, receivedAtMs);
    }

    public ProducerRecord<byte[], byte[]> batched(String containerId, byte[] body, ApiKey key, long receivedAtMs) {
        return create(batchedTopic, containerId, body, key, receivedAtMs);
    }

    private ProducerRecord<byte[], byte[]> create(Topic topic, String containerId, byte[] body, ApiKey key,
                                                  long receivedAtMs) {
        return new IngestMetadata(ingestIds.generate(), receivedAtMs, key.id(), key.siteId())
                .record(topic, containerId, body);
    }
}
