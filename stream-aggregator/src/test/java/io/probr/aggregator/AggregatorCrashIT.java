package io.probr.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.stack.JavaProcess;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator as a real process on a real broker, killed with SIGKILL mid-stream and started again:
 * every window is emitted exactly once and the windows sum to the raw events.
 */
@ExtendWith(SharedKafkaBroker.class)
class AggregatorCrashIT {
    private static final long T0 = 1708790400000L;
    private static final long MINUTE = 60_000;
    private static final int PARTITIONS = 3;

    @Test
    void killedAndRestartedAggregatorEmitsEveryWindowExactlyOnce(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_AGGREGATOR_APPLICATION_ID", "aggregator-crash-it",
                "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("state").toString(),
                "PROBR_WINDOW_GRACE_MS", "10000",
                "PROBR_AGGREGATOR_PORT", "0",
                // the killed instance leaves the group after this, not after the 45 s default
                "PROBR_KAFKA_STREAMS_SESSION_TIMEOUT_MS", "6000");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers(), "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer());
             JavaProcess aggregator = new JavaProcess(AggregatorApp.class.getName(), env, dir.resolve("aggregator.log"))) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.WINDOWS, Topic.DLQ), PARTITIONS, (short) 1, 30_000);
            Map<String, Long> raw = new HashMap<>();
            Random random = new Random(1);
            aggregator.start();

            long clock = produce(producer, random, raw, T0, 1500);
            awaitWindows(broker, 1, aggregator);
            aggregator.kill();
            clock = produce(producer, random, raw, clock, 1500);
            aggregator.start();
            for (int p = 0; p < PARTITIONS; p++) {     // close every window on every partition
                String clockContainer = "GTM-CLOCK-" + p;
                producer.send(new ProducerRecord<>(Topic.EVENTS.topicName(), p, clockContainer.getBytes(StandardCharsets.UTF_8),
                        eventJson(clockContainer, clock + 10 * MINUTE).getBytes(StandardCharsets.UTF_8))).get();
            }
            awaitCaughtUp(admin, "aggregator-crash-it", aggregator);

            Map<String, Long> windowed = new HashMap<>();
            Set<String> identities = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : readCommittedWindows(broker)) {
                BatchedPayload w = ProbrJson.newMapper().readValue(record.value(), BatchedPayload.class);
                if (w.containerId().startsWith("GTM-CLOCK")) {
                    continue;
                }
                String part = IngestHeaders.read(record.headers(), WindowHeaders.WINDOW_PART);
                assertTrue(identities.add(w.containerId() + "@" + w.windowStartMs() + "#" + part),
                        "window emitted twice: " + w.containerId() + "@" + w.windowStartMs() + "#" + part);
                windowed.merge(w.containerId() + "@" + w.windowStartMs(), w.totalEvents(), Long::sum);
            }
            Map<String, String> differences = new TreeMap<>();
            Set<String> keys = new HashSet<>(raw.keySet());
            keys.addAll(windowed.keySet());
            keys.stream().filter(k -> !Objects.equals(raw.get(k), windowed.get(k)))
                    .forEach(k -> differences.put(k, "events " + raw.get(k) + ", in windows " + windowed.get(k)));
            assertEquals(Map.of(), differences, "windows whose event counts differ from the events produced");
        }
    }

    private static String eventJson(String container, long ts) {
        return "{\"container_id\":\"" + container + "\",\"event_name\":\"page_view\",\"timestamp_ms\":" + ts
                + ",\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":3}]}";
    }

    private static long produce(KafkaProducer<byte[], byte[]> producer, Random random, Map<String, Long> raw,
                                long clock, int count) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clock += random.nextInt(400);
            long ts = clock - random.nextInt(3_000);
            String container = "GTM-" + random.nextInt(5);
            ProducerRecord<byte[], byte[]> record = new IngestMetadata(UUID.randomUUID(), System.currentTimeMillis(),
                    "pk_test", "test").record(Topic.EVENTS, container, eventJson(container, ts).getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(record));
            raw.merge(container + "@" + Math.floorDiv(ts, MINUTE) * MINUTE, 1L, Long::sum);
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();     // an event the broker did not take would show as a window short of it
        }
        return clock;
    }

    private static void awaitWindows(LocalKafkaBroker broker, int atLeast, JavaProcess aggregator) throws Exception {
        deadline("first windows", () -> readCommittedWindows(broker).size() >= atLeast, aggregator);
    }

    /** The application's committed offsets have reached the end of the input: everything is processed. */
    private static void awaitCaughtUp(Admin admin, String groupId, JavaProcess aggregator) throws Exception {
        deadline("aggregator caught up", () -> {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(Topic.EVENTS.topicName(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            var committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue());
        }, aggregator);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommittedWindows(LocalKafkaBroker broker) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "isolation.level", "read_committed", "enable.auto.commit", "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(Topic.WINDOWS.topicName(), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);   // the last stable offset
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void deadline(String what, Check check, JavaProcess aggregator) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!check.holds()) {
            if (!aggregator.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("gave up waiting for " + what + "; aggregator log: "
                        + Files.readString(aggregator.log()).lines().filter(l -> l.contains("ERROR") || l.contains("WARN"))
                        .limit(20).collect(Collectors.joining("\n")));
            }
            Thread.sleep(100);
        }
    }
}
