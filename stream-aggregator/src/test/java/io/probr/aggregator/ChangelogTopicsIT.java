package io.probr.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The changelogs get small segments on a real broker, both the one Kafka Streams creates and one an earlier
 * version created with the broker's defaults.
 */
@ExtendWith(SharedKafkaBroker.class)
class ChangelogTopicsIT {
    private static final String APPLICATION_ID = "changelog-topics-it";

    @Test
    void changelogsCreatedNowAndBeforeBothGetSmallSegments(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        List<String> changelogs = ChangelogTopics.names(APPLICATION_ID);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String createdBefore = changelogs.get(0);
            admin.createTopics(List.of(new NewTopic(createdBefore, 3, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            assertEquals(Integer.toString(1024 * 1024 * 1024), segmentConfigs(admin, List.of(createdBefore))
                    .get(createdBefore).get("segment.bytes"), "the broker's default, as before this change");

            AggregatorConfig config = AggregatorConfig.fromEnv(Map.of(
                    "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                    "PROBR_AGGREGATOR_APPLICATION_ID", APPLICATION_ID,
                    "PROBR_AGGREGATOR_STATE_DIR", dir.toString(), "PROBR_AGGREGATOR_PORT", "0"));
            try (AggregatorApp app = new AggregatorApp(config)) {
                Poll.until("the aggregator running with both changelogs", Duration.ofSeconds(60),
                        () -> app.state() == KafkaStreams.State.RUNNING
                                && admin.listTopics().names().get().containsAll(changelogs));
                Map<String, Map<String, String>> configs = segmentConfigs(admin, changelogs);
                for (String topic : changelogs) {
                    assertEquals(ChangelogTopics.CONFIG, configs.get(topic), topic);
                }
            }
        }
    }

    private static Map<String, Map<String, String>> segmentConfigs(Admin admin, List<String> topics) throws Exception {
        Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
        return configs.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(),
                e -> ChangelogTopics.CONFIG.keySet().stream().collect(Collectors.toMap(Function.identity(),
                        name -> e.getValue().get(name).value()))));
    }
}
