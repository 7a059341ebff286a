package io.probr.sink;

import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.runtime.HealthServer;
import io.probr.schemas.runtime.ServiceArguments;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import io.probr.sink.clickhouse.ClickHouseException;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.consumer.DeadLetters;
import io.probr.sink.consumer.SinkLoop;
import io.probr.sink.consumer.SourceRecords;
import io.probr.sink.mapping.RecordMapper;
import io.probr.sink.metrics.SinkMetrics;
import io.probr.sink.retention.RetentionJob;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationException;
import io.probr.sink.schema.MigrationRunner;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sink process: configuration → migrations → topics → the consume/insert/commit loop. */
public final class SinkApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkApp.class);
    static final List<Topic> SOURCES = List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS);

    private final SinkLoop loop;
    private final Thread loopThread;
    private final KafkaProducer<byte[], byte[]> dlqProducer;
    private final HealthServer health;
    private final ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sink-retention");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;

    public SinkApp(SinkConfig config) throws Exception {
        log.info("starting sink with {}", config);
        ClickHouseHttp clickHouse = new ClickHouseHttp(config.clickHouseUrl(), config.clickHouseUser(),
                config.clickHousePassword());
        List<String> applied = migrate(clickHouse, config.clickHouseWaitMs());
        log.info("ClickHouse schema up to date ({} migration(s) applied now)", applied.size());
        try (Admin admin = config.kafka().admin(Map.of())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS, Topic.DLQ),
                    config.kafka(), 30_000);
        }
        SinkMetrics metrics = new SinkMetrics();
        dlqProducer = new KafkaProducer<>(producerProperties(config));
        loop = new SinkLoop(new KafkaConsumer<>(consumerProperties(config)),
                SOURCES.stream().map(Topic::topicName).toList(),
                new RecordMapper(new PayloadValidator(), config.timeRule(), System::currentTimeMillis),
                new ClickHouseWriter(config.clickHouseUrl(), config.clickHouseUser(), config.clickHousePassword()),
                new SourceRecords(() -> new KafkaConsumer<>(rereadProperties(config))),
                new DeadLetters(dlqProducer), metrics,
                new SinkLoop.Settings(config.batchRows(), Duration.ofMillis(config.flushIntervalMs()),
                        Duration.ofMillis(config.retryMinMs()), Duration.ofMillis(config.retryMaxMs())));
        loopThread = new Thread(loop, "sink-loop");
        loopThread.setUncaughtExceptionHandler((thread, e) -> log.error("sink loop died", e));
        health = new HealthServer(config.host(), config.port(), loopThread::isAlive,
                () -> loopThread.isAlive() && loop.isHealthy() && clickHouse.isReachable(), metrics.registry());
        loopThread.start();
        retention.scheduleWithFixedDelay(new RetentionJob(clickHouse, config.retention(), Clock.systemUTC()),
                0, config.retentionCheckMs(), TimeUnit.MILLISECONDS);
        log.info("sink running; health and metrics on port {}", health.port());
    }

    /**
     * At start, ClickHouse may still be booting (compose, ./probr up) or restart while the migrations run:
     * wait for it and migrate, within a bound. Migrations are re-run whole, which their IF NOT EXISTS allows.
     */
    private static List<String> migrate(ClickHouseHttp clickHouse, long waitMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        MigrationRunner runner = new MigrationRunner(clickHouse); // one lock owner across the attempts
        while (true) {
            awaitClickHouse(clickHouse, deadline, waitMs);
            try {
                return runner.apply(Migration.bundled());
            } catch (MigrationException e) {
                if (!(e.getCause() instanceof ClickHouseException ce && ce.getCause() instanceof IOException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                log.info("ClickHouse went away during the migrations ({}); waiting for it again", e.getMessage());
            }
        }
    }

    private static void awaitClickHouse(ClickHouseHttp clickHouse, long deadline, long waitMs) throws InterruptedException {
        long nextLog = 0;
        while (!clickHouse.isReachable()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ClickHouse not reachable after " + waitMs + " ms (PROBR_CLICKHOUSE_URL)");
            }
            if (System.nanoTime() > nextLog) {
                log.info("waiting for ClickHouse...");
                nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(500);
        }
    }

    public int httpPort() {
        return health.port();
    }

    /** Flushes what was read, commits, and stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        retention.shutdownNow();
        loop.stop();
        loopThread.join(TimeUnit.SECONDS.toMillis(60));
        dlqProducer.close(Duration.ofSeconds(10));
        health.close();
    }

    /**
     * Consumer settings: offsets are committed by the loop only after ClickHouse accepted the rows, and
     * only committed (not aborted) transactional records are read, so an aggregator crash leaves no trace.
     */
    public static Properties consumerProperties(SinkConfig config) {
        Properties props = config.kafka().clientProperties();
        props.put("group.id", config.groupId());
        props.put("enable.auto.commit", "false");
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", Integer.toString(Math.min(config.batchRows(), 5_000)));
        props.put("max.partition.fetch.bytes", Integer.toString(Topic.MAX_MESSAGE_BYTES));
        props.put("fetch.max.bytes", Integer.toString(8 * Topic.MAX_MESSAGE_BYTES));
        props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        config.consumerOverrides().forEach(props::put);
        return props;
    }

    /** For reading a refused record again: the sink's settings, in no group. */
    private static Properties rereadProperties(SinkConfig config) {
        Properties props = consumerProperties(config);
        props.remove("group.id");
        return props;
    }

    private static Properties producerProperties(SinkConfig config) {
        Properties props = config.kafka().clientProperties();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("max.request.size", Integer.toString(Topic.MAX_MESSAGE_BYTES));
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        return props;
    }

    public static void main(String[] args) throws Exception {
        ServiceArguments.exitUnlessStarting("clickhouse-sink.jar",
                "The Probr ClickHouse sink: Kafka topics to ClickHouse tables, migrations first.", args);
        SinkApp app;
        try {
            app = new SinkApp(SinkConfig.fromEnv(System.getenv()));
        } catch (MigrationException | IllegalStateException e) {
            log.error("the sink does not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        app.loopThread.join();
        if (!app.closing) {
            // the loop died on a fatal error: exit, so the supervisor (compose, systemd) restarts a fresh sink
            System.exit(1);
        }
    }
}
