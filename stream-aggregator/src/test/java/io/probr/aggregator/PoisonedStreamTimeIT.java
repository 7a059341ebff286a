package io.probr.aggregator;

import static io.probr.aggregator.LiveTopics.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.DlqHeaders;
import io.probr.schemas.topic.IngestHeaders;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.schemas.window.WindowAccumulator;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack poisoned by an aggregator from before the time rule: its stream-time changelog holds 2126 on every
 * partition, so every event became a late correction. The aggregator alone in this class: the windows it
 * checks can only be its own.
 */
@ExtendWith(SharedKafkaBroker.class)
class PoisonedStreamTimeIT {
    private static final int PARTITIONS = 3;
    private static final long YEAR_2126 = 4_922_899_200_000L;

    @Test
    void anAggregatorStartedOnAPoisonedStreamTimeRepairsItAndEmitsFinalWindowsAgain(LocalKafkaBroker broker,
            @TempDir Path dir) throws Exception {
        String applicationId = "poisoned-it-" + UUID.randomUUID();
        String changelog = applicationId + "-" + WindowTopology.STREAM_TIME_STORE + "-changelog";
        String windowsChangelog = applicationId + "-" + WindowTopology.OPEN_WINDOWS_STORE + "-changelog";
        String broken = "GTM-BROKEN-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             LiveTopics topics = new LiveTopics(broker.bootstrapServers())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.WINDOWS, Topic.DLQ), PARTITIONS, (short) 1, 30_000);
            admin.createTopics(List.of(
                    new NewTopic(changelog, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(windowsChangelog, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get();
            for (int p = 0; p < PARTITIONS; p++) {   // what the old code's Serdes.String / Serdes.Long wrote
                topics.send(new ProducerRecord<>(changelog, p, "stream-time".getBytes(StandardCharsets.UTF_8),
                        ByteBuffer.allocate(Long.BYTES).putLong(YEAR_2126).array()));
            }
            // and the window the 2126 event opened, still open
            BatchedPayload open = WindowAccumulator.empty(broken, YEAR_2126, YEAR_2126 + LiveTopics.SIZE);
            topics.send(new ProducerRecord<>(windowsChangelog, 0,
                    WindowProcessor.windowKey(YEAR_2126, broken).getBytes(StandardCharsets.UTF_8),
                    ProbrJson.newMapper().writeValueAsBytes(open)));

            try (AggregatorApp aggregator = new AggregatorApp(topics.config(applicationId, dir))) {
                Poll.until("aggregator ready", Duration.ofSeconds(60), aggregator::isReady);
                List<String> containers = new ArrayList<>();
                // the window in progress at the repair counts as closed (the old state had closed it): the next one
                long nextWindow = (System.currentTimeMillis() / LiveTopics.SIZE + 1) * LiveTopics.SIZE;
                for (int p = 0; p < PARTITIONS; p++) {
                    containers.add("GTM-AFTER-REPAIR-" + p + "-" + UUID.randomUUID());
                    topics.sendEvent(p, containers.get(p), nextWindow + 1, true);
                }
                List<ConsumerRecord<byte[], byte[]>> windows = topics.await(Topic.WINDOWS, PARTITIONS,
                        r -> containers.contains(key(r)));
                windows.forEach(r -> assertEquals(WindowHeaders.FINAL_PART,
                        IngestHeaders.read(r.headers(), WindowHeaders.WINDOW_PART), "a correction for " + key(r)));
                assertEquals(200, LiveTopics.get(aggregator, "/readyz").statusCode());
                ConsumerRecord<byte[], byte[]> dead = topics.await(Topic.DLQ, 1, r -> key(r).equals(broken)).get(0);
                assertEquals("untrusted_window", IngestHeaders.read(dead.headers(), DlqHeaders.REASON_CODE));
                assertEquals(open, ProbrJson.newMapper().readValue(dead.value(), BatchedPayload.class));
                assertEquals(0, aggregator.metrics().threadFailures(), "stream threads replaced after an error");
            }
        }
    }
}
