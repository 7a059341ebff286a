package io.probr.ingest;

import io.javalin.Javalin;
import io.probr.ingest.auth.ConfigKeys;
import io.probr.ingest.auth.KeyStore;
import io.probr.ingest.auth.RateLimiter;
import io.probr.ingest.http.EdgeServer;
import io.probr.ingest.kafka.IngestRecords;
import io.probr.ingest.kafka.KafkaPublisher;
import io.probr.ingest.kafka.KafkaReadiness;
import io.probr.ingest.metrics.EdgeMetrics;
import io.probr.ingest.warmup.EdgeWarmup;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.runtime.FailedAuthLimiter;
import io.probr.schemas.runtime.HttpListener;
import io.probr.schemas.runtime.ServiceArguments;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The edge process: configuration → clients → HTTP server; closed in reverse order on shutdown. */
public final class IngestApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestApp.class);

    private final KeyStore fileKeys;
    private final ConfigView configView;
    private final KafkaPublisher publisher;
    private final KafkaReadiness readiness;
    private final ScheduledExecutorService topicSetup;
    private final HttpListener listener;
    private final Javalin server;

    public IngestApp(IngestConfig config) throws Exception {
        log.info("starting edge with {}", config);
        fileKeys = new KeyStore(config.keysFile(), config.keysReloadMs());
        configView = new ConfigView(config.kafka(), "probr-edge-config");
        publisher = new KafkaPublisher(new KafkaProducer<>(config.producerProperties()));
        readiness = new KafkaReadiness(config.kafka().admin(Map.of("request.timeout.ms", 2000,
                "default.api.timeout.ms", 2000)), 1000);
        topicSetup = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "topic-setup"));
        topicSetup.execute(() -> ensureTopics(config));
        EdgeMetrics metrics = new EdgeMetrics();
        metrics.watchProducer(publisher::metrics);
        listener = new HttpListener(config.tls(), config.limits());
        server = EdgeServer.create(new EdgeServer.Dependencies(
                new ConfigKeys(configView, fileKeys, Clock.systemUTC()),
                () -> configView.isLoaded() && fileKeys.isCurrent(),
                new RateLimiter(config.ratePerSecond(), config.rateBurst(), System::nanoTime),
                IngestRecords.forPipeline(), publisher, readiness, metrics, config.timeRule(), config.maxBodyBytes(),
                config.publishTimeoutMs(), new FailedAuthLimiter(config.failedAuthBurst(), config.failedAuthRefillMs(),
                        100_000, System::nanoTime), config.maxInFlight(), config.minBodyBytesPerSecond()),
                javalin -> listener.addTo(javalin, config.host(), config.port()));
        server.start(config.host(), config.port());
        log.info("edge listening on {}:{}", config.host(), server.port());
    }

    public int port() {
        return server.port();
    }

    /**
     * Creates the edge's topics once Kafka answers, retried in the background so the edge starts without it, then
     * warms the edge up; {@code /readyz} answers 503 until both are done.
     */
    private void ensureTopics(IngestConfig config) {
        List<Topic> topics = config.warmupSeconds() > 0
                ? List.of(Topic.EVENTS, Topic.BATCHES, Topic.CONFIG, Topic.EDGE_WARMUP)
                : List.of(Topic.EVENTS, Topic.BATCHES, Topic.CONFIG);
        List<String> names = topics.stream().map(Topic::topicName).toList();
        try {
            TopicSetup.ensure(readiness.admin(), topics, config.kafka(), 5000);
            publisher.loadMetadata(names);
            log.info("topics {} ready", names);
        } catch (Exception e) {
            log.warn("could not ensure topics yet ({}); retrying in 5 s", e.toString());
            topicSetup.schedule(() -> ensureTopics(config), 5, TimeUnit.SECONDS);
            return;
        }
        try {
            loadConfig();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (config.warmupSeconds() > 0) {
            warmUp(config);
        }
        readiness.started();
    }

    /** The keys of {@code probr.config.v1}: read to the end before the edge says ready, then followed. */
    private void loadConfig() throws InterruptedException {
        configView.start();
        while (!configView.awaitLoaded(Duration.ofSeconds(30))) {
            if (!configView.isFollowing()) {
                return; // the view logged why; /readyz says keys_not_current
            }
            log.warn("configuration topic {} not loaded after 30 s; still waiting", Topic.CONFIG.topicName());
        }
    }

    /** Best effort: an edge whose warm-up failed still serves, only slowly at first. */
    private void warmUp(IngestConfig config) {
        try {
            new EdgeWarmup(config, publisher, readiness).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("warm-up failed, serving without it: {}", e.toString());
        }
    }

    @Override
    public void close() {
        server.stop();
        listener.close();
        topicSetup.shutdownNow();
        readiness.close();
        publisher.close();
        configView.close();
        fileKeys.close();
    }

    public static void main(String[] args) throws Exception {
        ServiceArguments.exitUnlessStarting("ingest-api.jar", "The Probr edge: POST /ingest, /healthz, /readyz, /metrics.",
                args);
        IngestApp app = new IngestApp(IngestConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }
}
