package io.probr.sink;

import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;

/** What the sink's integration tests share: a sink configuration, a producer, reads and progress checks. */
public final class SinkHarness implements AutoCloseable {
    final LocalKafkaBroker broker;
    final ClickHouseHttp clickHouse;
    private final String clickHouseUrl;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    public SinkHarness(LocalKafkaBroker broker, LocalClickHouse server) {
        this.broker = broker;
        this.clickHouseUrl = server.httpUrl();
        this.clickHouse = new ClickHouseHttp(clickHouseUrl, "default", "");
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("acks", "all");
        props.put("max.block.ms", "10000");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        try {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS, Topic.DLQ), 3, (short) 1, 30_000);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics", e);
        }
    }

    public SinkConfig config(String groupId, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_CLICKHOUSE_URL", clickHouseUrl,
                "PROBR_SINK_GROUP_ID", groupId,
                "PROBR_SINK_HOST", "127.0.0.1",
                "PROBR_SINK_PORT", "0",
                "PROBR_SINK_FLUSH_INTERVAL_MS", "200",
                "PROBR_SINK_RETRY_MAX_MS", "2000"));
        env.putAll(extra);
        return SinkConfig.fromEnv(env);
    }

    /** The sink's tables, before a sink first starts (which would otherwise create them). */
    public void migrate() throws Exception {
        new MigrationRunner(clickHouse).apply(Migration.bundled());
    }

    public void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        producer.send(record).get();
    }

    /** A single number from ClickHouse. */
    public long number(String sql) throws Exception {
        return Long.parseLong(clickHouse.query(sql + " FORMAT TabSeparated").strip());
    }

    public String rows(String sql) throws Exception {
        return clickHouse.query(sql + " FORMAT TabSeparated");
    }

    /** Whether the group has committed up to the end of every partition of the sink's topics. */
    public boolean caughtUp(String groupId) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var topic : admin.describeTopics(SinkApp.SOURCES.stream().map(t -> t.topicName()).toList())
                .allTopicNames().get().values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end
                : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            long position = done == null ? 0 : done.offset();
            if (position < end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
