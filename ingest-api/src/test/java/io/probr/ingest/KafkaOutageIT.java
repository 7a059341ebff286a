package io.probr.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka goes away under the edge: 500 well inside the tag's timeout, and recovery once it is back. */
class KafkaOutageIT {
    private LocalKafkaBroker broker;
    private IngestApp app;

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    /** Ready means the topics exist: a load balancer may send traffic at once, and it must be publishable. */
    @Test
    void edgeStartedBeforeKafkaIsReadyOnlyOnceItsTopicsExist(@TempDir Path dir) throws Exception {
        broker = LocalKafkaBroker.onFreePorts(dir.resolve("kafka"));
        new TestKeys(dir.resolve("keys.json")).add("shop");
        app = new IngestApp(IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
        EdgeClient edge = new EdgeClient(app.port());
        assertEquals(503, edge.get("/readyz").statusCode());

        broker.start();
        Poll.until("the edge ready", Duration.ofSeconds(60), () -> edge.get("/readyz").statusCode() == 200);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.containsAll(List.of(Topic.EVENTS.topicName(), Topic.BATCHES.topicName())),
                    "ready with topics " + topics);
        }
    }

    @Test
    void brokerDownAnswers500WithinTheBudgetThenRecovers(@TempDir Path dir) throws Exception {
        broker = LocalKafkaBroker.onFreePorts(dir.resolve("kafka"));
        broker.start();
        TestKeys keys = new TestKeys(dir.resolve("keys.json"));
        String key = keys.add("shop");
        app = new IngestApp(IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
        EdgeClient edge = new EdgeClient(app.port());
        byte[] event = IngestEdgeIT.perEvent("GTM-OUTAGE").getBytes(StandardCharsets.UTF_8);
        Poll.until("edge publishing", () -> edge.ingest(key, event).statusCode() == 200);

        broker.kill();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = edge.ingest(key, event);
            long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertEquals(500, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"error\":\"internal_error\""), response.body());
            assertTrue(elapsedMs < 4500, "500 took " + elapsedMs + " ms, the tag gives up at 5000");
        }
        assertEquals(503, edge.get("/readyz").statusCode());
        assertTrue(edge.get("/metrics").body().contains("probr_edge_kafka_errors_total 3.0"));

        broker.start();
        Poll.until("edge publishing again", Duration.ofSeconds(60), () -> edge.ingest(key, event).statusCode() == 200);
        // a topic setup the outage interrupted is retried every 5 s: readiness may follow publishing by that much
        Poll.until("edge ready again", Duration.ofSeconds(15), () -> edge.get("/readyz").statusCode() == 200);
        try (TopicRecords topics = new TopicRecords(broker.bootstrapServers())) {
            Map<TopicPartition, Long> before = topics.endOffsets();
            assertEquals(200, edge.ingest(key, event).statusCode());
            assertEquals(1, topics.since(before).size());
        }
    }

    /**
     * Past its capacity (here: publishes that cannot finish, at most 2 in hand) the edge answers 429 at once
     * instead of queueing requests into the publish timeout; the permits come back with the broker.
     */
    @Test
    void requestsBeyondTheInFlightCapAreShedAtOnce(@TempDir Path dir) throws Exception {
        broker = LocalKafkaBroker.onFreePorts(dir.resolve("kafka"));
        broker.start();
        String key = new TestKeys(dir.resolve("keys.json")).add("shop");
        app = new IngestApp(IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0", "PROBR_EDGE_MAX_IN_FLIGHT", "2",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
        EdgeClient edge = new EdgeClient(app.port());
        byte[] event = IngestEdgeIT.perEvent("GTM-SHED").getBytes(StandardCharsets.UTF_8);
        Poll.until("edge publishing", () -> edge.ingest(key, event).statusCode() == 200);

        broker.kill();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<long[]>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit(() -> {
                    long started = System.nanoTime();
                    int status = edge.ingest(key, event).statusCode();
                    return new long[] {status, Duration.ofNanos(System.nanoTime() - started).toMillis()};
                }));
            }
            Map<Long, List<Long>> msByStatus = new TreeMap<>();
            for (Future<long[]> answer : answers) {
                long[] a = answer.get(30, TimeUnit.SECONDS);
                msByStatus.computeIfAbsent(a[0], s -> new ArrayList<>()).add(a[1]);
            }
            assertEquals(Set.of(429L, 500L), msByStatus.keySet(), msByStatus.toString());
            assertEquals(2, msByStatus.get(500L).size(), "two publishes in hand: " + msByStatus);
            assertTrue(msByStatus.get(429L).stream().allMatch(ms -> ms < 1000), "shed at once: " + msByStatus);
        } finally {
            clients.shutdownNow();
        }
        broker.start();
        Poll.until("the permits back once the broker is", Duration.ofSeconds(60), () -> edge.ingest(key, event).statusCode() == 200);
    }

    /** Keys not loaded (no Kafka yet): 500 after the one wait for them, inside the tag's 5 s. */
    @Test
    void beforeTheKeysAreLoadedARequestGets500WithinTheTagsTimeout(@TempDir Path dir) throws Exception {
        String key = new TestKeys(dir.resolve("keys.json")).add("shop");
        app = new IngestApp(IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_EDGE_WARMUP_SECONDS", "0")));
        EdgeClient edge = new EdgeClient(app.port());
        long started = System.nanoTime();
        HttpResponse<String> response = edge.ingest(key, IngestEdgeIT.perEvent("GTM-NOKEYS").getBytes(StandardCharsets.UTF_8));
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(500, response.statusCode(), response.body());
        assertTrue(response.body().contains("keys not loaded"), response.body());
        assertTrue(elapsedMs < 4500, "500 took " + elapsedMs + " ms, the tag gives up at 5000");
    }
}
