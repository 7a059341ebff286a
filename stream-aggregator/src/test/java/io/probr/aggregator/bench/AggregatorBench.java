package io.probr.aggregator.bench;

import io.probr.aggregator.AggregatorApp;
import io.probr.aggregator.AggregatorConfig;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.stack.TempDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Aggregator figures on a running broker: {@code AggregatorBench BOOTSTRAP EVENTS}. Pre-fills
 * probr.events.v1 with EVENTS seed-shaped events, then times a fresh aggregator through them (events/s),
 * then measures the lag from the event that closes a window to that window being readable (read_committed).
 */
public final class AggregatorBench {
    private static final String TAGS = "[{\"id\":\"15\",\"name\":\"GA4 - Event\",\"status\":\"success\",\"execution_time\":120},"
            + "{\"id\":\"22\",\"name\":\"Meta CAPI\",\"status\":\"failure\",\"execution_time\":5000}]";

    private AggregatorBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int events = Integer.parseInt(args[1]);
        String appId = "probr-aggregator-bench-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "acks", "all", "linger.ms", "20", "compression.type", "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.WINDOWS, Topic.DLQ), 3, (short) 1, 30_000);
            Map<TopicPartition, Long> start = offsets(admin, OffsetSpec.latest());
            // every event stamped in the past, and received when stamped: a backlog, read as fast as it can be
            long t = System.currentTimeMillis() - events * 10L - 3_600_000L;
            for (int i = 0; i < events; i++) {
                String container = "GTM-BENCH" + (i % 6);
                producer.send(record(container, t + i * 10L));
            }
            producer.flush();
            Map<TopicPartition, Long> end = offsets(admin, OffsetSpec.latest());
            // the fresh application starts at the pre-filled events, not at whatever earlier runs left on the topic
            Map<TopicPartition, OffsetAndMetadata> begin = new HashMap<>();
            start.forEach((tp, offset) -> begin.put(tp, new OffsetAndMetadata(offset)));
            admin.alterConsumerGroupOffsets(appId, begin).all().get();

            String readerGroup = "probr-aggregator-bench-reader-" + UUID.randomUUID();
            Path stateDir = Files.createTempDirectory("probr-bench");
            long began = System.nanoTime();
            try (AggregatorApp app = new AggregatorApp(AggregatorConfig.fromEnv(Map.of(
                    "PROBR_KAFKA_BOOTSTRAP", bootstrap, "PROBR_AGGREGATOR_APPLICATION_ID", appId,
                    "PROBR_AGGREGATOR_STATE_DIR", stateDir.toString(),
                    "PROBR_WINDOW_GRACE_MS", "0", "PROBR_AGGREGATOR_PORT", "0")))) {
                while (!caughtUp(admin, appId, end)) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - began) / 1e9;
                long total = end.values().stream().mapToLong(Long::longValue).sum();
                long processed = total - start.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("aggregator: %d events in %.1f s incl. start-up: %.0f events/s%n",
                        processed, seconds, processed / seconds);
                closeLatency(producer, bootstrap, readerGroup, t + events * 10L + 120_000);
            } finally {
                forget(admin, appId, readerGroup, stateDir);
            }
        }
    }

    /**
     * Deletes what the run leaves behind, which would otherwise pile up with every run (a fresh application id
     * each time): its consumer groups, the application's internal topics and its local state.
     */
    private static void forget(Admin admin, String appId, String readerGroup, Path stateDir) throws Exception {
        for (KafkaFuture<Void> deleted : admin.deleteConsumerGroups(List.of(appId, readerGroup)).deletedGroups().values()) {
            try {
                deleted.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {   // a run that failed before using it
                    throw e;
                }
            }
        }
        List<String> internal = admin.listTopics().names().get().stream().filter(n -> n.startsWith(appId + "-")).toList();
        admin.deleteTopics(internal).all().get();
        TempDirectory.delete(stateDir);
    }

    private static void closeLatency(KafkaProducer<byte[], byte[]> producer, String bootstrap, String group, long from)
            throws Exception {
        try (KafkaConsumer<byte[], byte[]> windows = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "group.id", group,
                "auto.offset.reset", "latest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            windows.subscribe(List.of(Topic.WINDOWS.topicName()));
            while (windows.assignment().isEmpty()) {
                windows.poll(Duration.ofMillis(100));
            }
            long[] lags = new long[20];
            for (int i = 0; i < lags.length; i++) {
                long windowStart = from + i * 60_000L;
                producer.send(record("GTM-LAT", windowStart + 1)).get();
                windows.poll(Duration.ofMillis(300));   // drain
                long sent = System.nanoTime();
                producer.send(record("GTM-LAT", windowStart + 60_000 + 1)).get();   // closes the window (grace 0)
                boolean seen = false;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!seen) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("window " + i + " not readable after 30 s");
                    }
                    for (var r : windows.poll(Duration.ofMillis(10))) {
                        seen |= new String(r.key(), StandardCharsets.UTF_8).equals("GTM-LAT");
                    }
                }
                lags[i] = (System.nanoTime() - sent) / 1_000_000;
            }
            Arrays.sort(lags);
            System.out.printf("window close → record readable: p50 %d ms, max %d ms (%d windows, grace 0)%n",
                    lags[lags.length / 2], lags[lags.length - 1], lags.length);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String container, long ts) {
        String json = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":" + ts
                + ",\"tags\":" + TAGS + ",\"user_data\":{\"has_email\":true,\"has_first_name\":true}}";
        return new IngestMetadata(UUID.randomUUID(), ts, "pk_bench", "bench")
                .record(Topic.EVENTS, container, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(Topic.EVENTS.topicName())).allTopicNames().get().get(Topic.EVENTS.topicName())
                .partitions().forEach(p -> request.put(new TopicPartition(Topic.EVENTS.topicName(), p.partition()), spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    private static boolean caughtUp(Admin admin, String groupId, Map<TopicPartition, Long> end) throws Exception {
        var committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue());
    }
}
