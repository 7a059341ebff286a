package io.probr.aggregator;

import io.probr.aggregator.metrics.AggregatorMetrics;
import io.probr.schemas.runtime.HealthServer;
import io.probr.schemas.runtime.ServiceArguments;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator process: configuration → topics → Kafka Streams, with health, readiness and metrics over HTTP;
 * closed on shutdown.
 */
public final class AggregatorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AggregatorApp.class);

    private final KafkaStreams streams;
    private final AggregatorMetrics metrics = new AggregatorMetrics();
    private final HealthServer health;

    public AggregatorApp(AggregatorConfig config) throws Exception {
        log.info("starting aggregator with {}", config);
        try (Admin admin = config.kafka().admin(Map.of())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.WINDOWS, Topic.DLQ),
                    config.kafka(), 30_000);
            ChangelogTopics.applyConfig(admin, config.applicationId(), 30_000);
        }
        streams = new KafkaStreams(WindowTopology.build(config, metrics), WindowTopology.streamsConfig(config));
        // Processing errors are infrastructure errors (bad input goes to the DLQ): a fresh thread resumes
        // from the last committed transaction.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed, replacing it", e);
            metrics.threadFailed();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("aggregator state {} -> {}", before, now));
        streams.setGlobalStateRestoreListener(metrics);
        metrics.watchConsumer(streams::metrics);
        health = new HealthServer(config.host(), config.port(), this::isAlive, this::isReady,
                metrics.registry());
        streams.start();
        log.info("aggregator health and metrics on port {}", health.port());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Not failed or stopped: Kafka Streams replaces a failed thread itself, ERROR means it gave up. */
    public boolean isAlive() {
        KafkaStreams.State state = state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
    }

    /** Processing: RUNNING, and no store still being restored from its changelog. */
    public boolean isReady() {
        return state() == KafkaStreams.State.RUNNING && !metrics.isRestoring();
    }

    public AggregatorMetrics metrics() {
        return metrics;
    }

    public int port() {
        return health.port();
    }

    /**
     * Leaves the consumer group on an orderly stop: Kafka Streams stays in it by default, so a restart
     * (./probr down/up, a deploy) would wait out the 45 s session timeout before processing again.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        health.close();
    }

    public static void main(String[] args) throws Exception {
        ServiceArguments.exitUnlessStarting("stream-aggregator.jar",
                "The Probr stream aggregator: per-event payloads to 1-minute windows, exactly once.", args);
        AggregatorApp app = new AggregatorApp(AggregatorConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }
}
