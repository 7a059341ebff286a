package io.probr.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The edge's warm-up against a real broker: before readiness, on its own topic, none of it in the pipeline's. */
@ExtendWith(SharedKafkaBroker.class)
class EdgeWarmupIT {

    @Test
    void theEdgeWarmsUpOnItsOwnTopicBeforeItSaysReadyAndServesMeanwhile(LocalKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        String key = new TestKeys(dir.resolve("keys.json")).add("shop");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             TopicRecords topics = new TopicRecords(broker.bootstrapServers())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.BATCHES, Topic.EDGE_WARMUP), 3, (short) 1, 30_000);
            Map<TopicPartition, Long> pipelineBefore = topics.endOffsets();
            long warmupBefore = warmupRecords(admin);
            try (IngestApp app = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                    "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                    "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "3")))) {
                EdgeClient edge = new EdgeClient(app.port());
                HttpResponse<String> early = edge.get("/readyz");
                assertEquals(503, early.statusCode());
                assertEquals("{\"status\":\"starting\"}", early.body());
                byte[] event = IngestEdgeIT.perEvent("GTM-WARMUP").getBytes(StandardCharsets.UTF_8);
                assertEquals(200, edge.ingest(key, event).statusCode(), "a real request is served during the warm-up");

                Poll.until("the edge ready", Duration.ofSeconds(30), () -> edge.get("/readyz").statusCode() == 200);

                List<ConsumerRecord<byte[], byte[]>> pipeline = topics.since(pipelineBefore);
                assertEquals(1, pipeline.size(), "only the real request reached the pipeline's topics");
                assertArrayEquals(event, pipeline.get(0).value());
                long warmedUp = warmupRecords(admin) - warmupBefore;
                assertTrue(warmedUp >= 100, "warm-up records: " + warmedUp);
            }
        }
    }

    private static long warmupRecords(Admin admin) throws Exception {
        String topic = Topic.EDGE_WARMUP.topicName();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
