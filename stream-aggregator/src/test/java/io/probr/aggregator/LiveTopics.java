package io.probr.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.stack.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes events and reads what a running aggregator made of them, for the real-broker tests. */
final class LiveTopics implements AutoCloseable {
    static final long SIZE = 5_000;
    static final long GRACE = 2_000;

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;

    LiveTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Small windows and a fast wall-clock tick, an HTTP port of its own. */
    AggregatorConfig config(String applicationId, Path stateDirs) {
        return AggregatorConfig.fromEnv(Map.of(
                "PROBR_KAFKA_BOOTSTRAP", bootstrapServers,
                "PROBR_AGGREGATOR_APPLICATION_ID", applicationId,
                "PROBR_AGGREGATOR_STATE_DIR", stateDirs.resolve(applicationId).toString(),
                "PROBR_AGGREGATOR_HOST", "127.0.0.1",
                "PROBR_AGGREGATOR_PORT", "0",
                "PROBR_WINDOW_SIZE_MS", Long.toString(SIZE),
                "PROBR_WINDOW_GRACE_MS", Long.toString(GRACE),
                "PROBR_AGGREGATOR_WALL_CLOCK_TICK_MS", "200"));
    }

    void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        producer.send(record).get();
    }

    /** An event of {@code container} stamped {@code timestampMs}, with the edge's headers or none. */
    void sendEvent(Integer partition, String container, long timestampMs, boolean edgeHeaders) throws Exception {
        String json = "{\"container_id\":\"" + container + "\",\"event_name\":\"page_view\",\"timestamp_ms\":"
                + timestampMs + ",\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":3}]}";
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topic.EVENTS.topicName(), partition,
                container.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
        if (edgeHeaders) {
            new IngestMetadata(UUID.randomUUID(), System.currentTimeMillis(), "pk_test", "test").writeTo(record.headers());
        }
        send(record);
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    List<ConsumerRecord<byte[], byte[]>> await(Topic topic, int count, Predicate<ConsumerRecord<byte[], byte[]>> wanted)
            throws Exception {
        return await(topic, count, Duration.ofMillis(SIZE + GRACE + 30_000), wanted);
    }

    /** Committed records of {@code topic} from its start until exactly {@code count} match, within {@code timeout}. */
    List<ConsumerRecord<byte[], byte[]>> await(Topic topic, int count, Duration timeout,
            Predicate<ConsumerRecord<byte[], byte[]>> wanted) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                bootstrapServers, "isolation.level", "read_committed", "enable.auto.commit", "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Poll.until(count + " record(s) on " + topic.topicName(), timeout, () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (wanted.test(record)) {
                        found.add(record);
                    }
                }
                return found.size() >= count;
            });
        }
        assertEquals(count, found.size(), "records found");
        return found;
    }

    static HttpResponse<String> get(AggregatorApp app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        producer.close();
    }
}
