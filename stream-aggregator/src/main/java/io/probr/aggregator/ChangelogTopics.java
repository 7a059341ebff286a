package io.probr.aggregator;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The changelog topics behind the aggregator's stores. The stores are in memory, so every start restores them
 * from these topics, and compaction never touches a log's active segment: with Kafka's 1 GB segments the local
 * stack's changelogs had grown to 2.5 GB, 40 s and more of both cores to read back after each restart. Small,
 * time-bounded segments keep the part left to compact to about one segment; what the stores hold once compacted
 * is only the open windows.
 */
final class ChangelogTopics {
    static final Map<String, String> CONFIG = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofMinutes(15).toMillis()));

    private ChangelogTopics() {
    }

    static List<String> names(String applicationId) {
        return List.of(WindowTopology.OPEN_WINDOWS_STORE, WindowTopology.STREAM_TIME_STORE).stream()
                .map(store -> applicationId + "-" + store + "-changelog").toList();
    }

    /**
     * Kafka Streams sets {@link #CONFIG} only on the topics it creates: applies it to changelogs created before
     * (by an earlier version). A changelog that does not exist yet is left to Kafka Streams.
     */
    static void applyConfig(Admin admin, String applicationId, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<AlterConfigOp> ops = CONFIG.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        Map<ConfigResource, Collection<AlterConfigOp>> byTopic = names(applicationId).stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .collect(Collectors.toMap(Function.identity(), topic -> ops));
        for (KafkaFuture<Void> result : admin.incrementalAlterConfigs(byTopic).values().values()) {
            try {
                result.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
    }
}
