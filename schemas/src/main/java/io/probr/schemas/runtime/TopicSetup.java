package io.probr.schemas.runtime;

import io.probr.schemas.runtime.KafkaSettings.TopicRetention;
import io.probr.schemas.topic.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing, with the message size every hop agrees on, and returns
 * once every partition's leader serves it. Existing topics get the deployment's retention when theirs differs.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final long RETRY_MS = 100;
    static final String RETENTION_MS = "retention.ms";

    private TopicSetup() {
    }

    public static void ensure(Admin admin, Collection<Topic> topics, KafkaSettings kafka, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        ensure(admin, topics, kafka.topicPartitions(), kafka.topicReplication(), kafka.retention(), timeoutMs);
    }

    /** With the default retention; for tests and benchmarks. */
    public static void ensure(Admin admin, Collection<Topic> topics, int partitions, short replication,
                              long timeoutMs) throws InterruptedException, ExecutionException, TimeoutException {
        ensure(admin, topics, partitions, replication, TopicRetention.DEFAULT, timeoutMs);
    }

    private static void ensure(Admin admin, Collection<Topic> topics, int partitions, short replication,
                               TopicRetention retention, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, String> retentionMs = new TreeMap<>();
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic topic : topics) {
            Map<String, String> configs = new HashMap<>(topic.configs());
            topic.retentionMs(retention).ifPresent(ms -> {
                configs.put(RETENTION_MS, Long.toString(ms));
                retentionMs.put(topic.topicName(), Long.toString(ms));
            });
            wanted.add(newTopic(topic.topicName(), topic.partitions(partitions), replication, configs));
        }
        create(admin, wanted, timeoutMs);
        applyRetention(admin, retentionMs, timeoutMs);
    }

    /**
     * Topics created before retention was set, or with another one, get the configured value; the broker's
     * 7-day default would otherwise decide, silently, the replay window and how long dead letters are kept.
     */
    private static void applyRetention(Admin admin, Map<String, String> retentionMs, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (retentionMs.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = retentionMs.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> current = admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (ConfigResource resource : resources) {
            String wanted = retentionMs.get(resource.name());
            ConfigEntry entry = current.get(resource).get(RETENTION_MS);
            String now = entry == null ? null : entry.value();
            if (!wanted.equals(now)) {
                log.info("setting {} of topic {} to {} (was {})", RETENTION_MS, resource.name(), wanted, now);
                changes.put(resource, List.of(new AlterConfigOp(new ConfigEntry(RETENTION_MS, wanted), AlterConfigOp.OpType.SET)));
            }
        }
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    static void ensureNamed(Admin admin, List<String> topicNames, int partitions, short replication, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        create(admin, topicNames.stream().map(name -> newTopic(name, partitions, replication, Map.of())).toList(),
                timeoutMs);
    }

    private static NewTopic newTopic(String name, int partitions, short replication, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put("max.message.bytes", Integer.toString(Topic.MAX_MESSAGE_BYTES));
        return new NewTopic(name, partitions, replication).configs(all);
    }

    private static void create(Admin admin, List<NewTopic> wanted, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<String> topicNames = wanted.stream().map(NewTopic::name).toList();
        for (var result : admin.createTopics(wanted).values().values()) {
            try {
                result.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitLeaders(admin, topicNames, deadline);
    }

    /**
     * A created topic is not yet writable everywhere: a Kafka 4.3 broker refuses produce requests for a partition
     * it has not applied yet, may append the producer's next request first, and then refuses the first one until
     * it expires (KAFKA-15591, fixed in Kafka 4.5). An idempotent producer that writes right after the creation
     * can so lose a batch — seen here as an aggregator test short of two events and a 120 s delivery timeout.
     * A leader that answers a ListOffsets for the partition has applied it.
     */
    private static void awaitLeaders(Admin admin, List<String> topicNames, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described = describe(admin, topicNames, deadlineNanos);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p ->
                partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        long remainingMs = remainingMs(deadlineNanos);
        admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) Math.min(remainingMs, Integer.MAX_VALUE)))
                .all().get(remainingMs, TimeUnit.MILLISECONDS);
    }

    /** A topic created a moment ago can be unknown to the broker that answers the metadata request. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> topicNames, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                return admin.describeTopics(topicNames).allTopicNames().get(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(RETRY_MS);
            }
        }
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
