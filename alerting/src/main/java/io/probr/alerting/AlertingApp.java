package io.probr.alerting;

import io.probr.alerting.dispatch.Backoff;
import io.probr.alerting.dispatch.DeliveryLog;
import io.probr.alerting.dispatch.DispatchMetrics;
import io.probr.alerting.dispatch.Dispatcher;
import io.probr.alerting.evaluate.AlertTopology;
import io.probr.alerting.evaluate.TriggerSource;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.runtime.HealthServer;
import io.probr.schemas.runtime.ServiceArguments;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
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
 * The alerting process: the configuration view, the evaluation (Kafka Streams) and the webhook dispatcher, with
 * health, readiness and metrics over HTTP; closed in reverse order.
 */
public final class AlertingApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertingApp.class);

    private final ConfigView config;
    private final KafkaStreams streams;
    private final Dispatcher dispatcher;
    private final HealthServer health;

    public AlertingApp(AlertingConfig settings) throws Exception {
        log.info("starting alerting with {}", settings);
        try (Admin admin = settings.kafka().admin(Map.of())) {
            TopicSetup.ensure(admin, List.of(Topic.WINDOWS, Topic.BATCHES, Topic.ALERTS, Topic.CONFIG),
                    settings.kafka(), 30_000);
        }
        config = ConfigView.load(settings.kafka(), "probr-alerting-config", Duration.ofSeconds(60));
        Clock clock = Clock.systemUTC();
        PrometheusRegistry registry = HealthServer.withJvmMetrics(new PrometheusRegistry());
        streams = new KafkaStreams(AlertTopology.build(TriggerSource.of(config), settings.tickMs(), clock::millis),
                AlertTopology.streamsConfig(settings));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("alerting stream thread failed, replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("alerting state {} -> {}", before, now));
        dispatcher = new Dispatcher(settings.kafka(), config, settings.webhooks().call(clock),
                new DeliveryLog(settings.clickHouseUrl(), settings.clickHouseUser(), settings.clickHousePassword()),
                new Backoff(settings.firstRetryDelayMs()), clock, new DispatchMetrics(registry));
        health = new HealthServer(settings.host(), settings.port(), this::isAlive, this::isReady, registry);
        streams.start();
        dispatcher.start();
        log.info("alerting health and metrics on port {}", health.port());
    }

    public boolean isAlive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING && dispatcher.isRunning();
    }

    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING && dispatcher.isRunning() && config.isLoaded();
    }

    public int port() {
        return health.port();
    }

    @Override
    public void close() {
        health.close();
        try {
            dispatcher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
        config.close();
    }

    public static void main(String[] args) throws Exception {
        ServiceArguments.exitUnlessStarting("alerting.jar",
                "Probr alerting: evaluates triggers over closed windows and delivers webhooks; /healthz, /readyz, /metrics.",
                args);
        AlertingApp app = new AlertingApp(AlertingConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }
}
