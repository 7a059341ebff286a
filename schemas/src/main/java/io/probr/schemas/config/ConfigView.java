package io.probr.schemas.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.topic.Topic;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every entity of {@code probr.config.v1}, read from the beginning and then followed, in memory: how each edge
 * knows the keys and each API instance answers reads. Committed records only ({@code read_committed}), so a
 * write the writer aborted is never seen. {@link #isLoaded()} once everything written before the start is in.
 */
public final class ConfigView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigView.class);
    private static final TopicPartition PARTITION = new TopicPartition(Topic.CONFIG.topicName(), 0);
    static final ObjectMapper JSON = ProbrJson.newMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread follower;
    private final Object progress = new Object();
    private volatile Map<ConfigKind, Map<String, ConfigEntity>> entities = emptyEntities();
    private volatile long position;
    private volatile long loadTarget = -1;
    private volatile boolean loaded;
    private volatile boolean running = true;

    public ConfigView(KafkaSettings kafka, String clientId) {
        Map<String, Object> settings = kafka.client();
        settings.put("client.id", clientId);
        settings.put("isolation.level", "read_committed");
        settings.put("enable.auto.commit", "false");
        settings.put("auto.offset.reset", "earliest");
        settings.put("allow.auto.create.topics", "false"); // created compacted by TopicSetup, never by default
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        follower = new Thread(this::follow, "config-view");
        follower.setDaemon(true);
    }

    /**
     * A started view, read to the end within {@code timeout}; closed and refused with an
     * {@link IllegalStateException} saying where it looked when it is not (Kafka unreachable, topic missing).
     */
    public static ConfigView load(KafkaSettings kafka, String clientId, Duration timeout) throws InterruptedException {
        ConfigView view = new ConfigView(kafka, clientId).start();
        if (!view.awaitLoaded(timeout)) {
            view.close();
            throw new IllegalStateException("could not read " + PARTITION.topic() + " at " + kafka.bootstrapServers()
                    + " within " + timeout.toSeconds() + " s");
        }
        return view;
    }

    /** Starts reading; call once the topic exists. */
    public ConfigView start() {
        follower.start();
        return this;
    }

    /** Loaded, and still following: a view that stopped would keep revoked keys alive. */
    public boolean isLoaded() {
        return loaded && running;
    }

    /** Still reading the topic: false once it stopped on an error or was closed. */
    public boolean isFollowing() {
        return running;
    }

    /** Waits until everything committed before the start is in the view. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!loaded && running) {
                long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMs <= 0) {
                    return false;
                }
                progress.wait(waitMs);
            }
        }
        return loaded;
    }

    /** Waits until the view has applied every record before {@code offset} (exclusive). */
    public boolean awaitPosition(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position < offset && running) {
                long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMs <= 0) {
                    return false;
                }
                progress.wait(waitMs);
            }
        }
        return position >= offset;
    }

    /** The offset of the next record the view will apply. */
    public long position() {
        return position;
    }

    public <T extends ConfigEntity> Optional<T> get(ConfigKind kind, String id, Class<T> type) {
        return Optional.ofNullable(entities.get(kind).get(id)).map(type::cast);
    }

    public Optional<ConfigEntity> get(ConfigKey key) {
        return Optional.ofNullable(entities.get(key.kind()).get(key.id()));
    }

    /** The entities of one kind, ordered by id. */
    public <T extends ConfigEntity> List<T> all(ConfigKind kind, Class<T> type) {
        return entities.get(kind).values().stream().map(type::cast)
                .sorted(java.util.Comparator.comparing(ConfigEntity::id)).toList();
    }

    private void follow() {
        try {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            // read_committed: the end offset is the last stable one, so no open transaction holds the load up
            // beyond the writers' transaction timeout.
            while (loadTarget < 0 && running) {
                try {
                    loadTarget = consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(10)).get(PARTITION);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    log.warn("{} not readable yet (missing, or Kafka unreachable); retrying", PARTITION.topic());
                }
            }
            markProgress(consumer.position(PARTITION));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    apply(records);
                }
                markProgress(consumer.position(PARTITION));
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("config view stopped", e);
            }
        } catch (RuntimeException e) {
            log.error("config view stopped: {}", e.toString(), e);
        } finally {
            running = false;
            synchronized (progress) {
                progress.notifyAll();
            }
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecords<String, byte[]> records) {
        Map<ConfigKind, Map<String, ConfigEntity>> next = new EnumMap<>(ConfigKind.class);
        entities.forEach((kind, byId) -> next.put(kind, new HashMap<>(byId)));
        for (ConsumerRecord<String, byte[]> record : records) {
            Optional<ConfigKey> key = ConfigKey.parse(record.key());
            if (key.isEmpty()) {
                log.warn("config record at offset {} with key {} skipped: not a kind this version knows",
                        record.offset(), record.key());
                continue;
            }
            Map<String, ConfigEntity> byId = next.get(key.get().kind());
            if (record.value() == null) {
                byId.remove(key.get().id());
                continue;
            }
            try {
                byId.put(key.get().id(), JSON.readValue(record.value(), key.get().kind().type()));
            } catch (java.io.IOException e) {
                // fail closed: keeping the previous state could keep a revoked key alive
                byId.remove(key.get().id());
                log.warn("config record {} at offset {} unreadable, entity dropped: {}", key.get(), record.offset(),
                        e.getMessage());
            }
        }
        next.replaceAll((kind, byId) -> Map.copyOf(byId));
        entities = next;
    }

    private void markProgress(long newPosition) {
        synchronized (progress) {
            position = newPosition;
            if (!loaded && loadTarget >= 0 && newPosition >= loadTarget) {
                loaded = true;
                log.info("config loaded: {} sites, {} ingest keys, {} admin tokens", entities.get(ConfigKind.SITE).size(),
                        entities.get(ConfigKind.INGEST_KEY).size(), entities.get(ConfigKind.ADMIN_TOKEN).size());
            }
            progress.notifyAll();
        }
    }

    private static Map<ConfigKind, Map<String, ConfigEntity>> emptyEntities() {
        Map<ConfigKind, Map<String, ConfigEntity>> empty = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : ConfigKind.values()) {
            empty.put(kind, Map.of());
        }
        return empty;
    }

    @Override
    public void close() {
        boolean started = follower.getState() != Thread.State.NEW;
        running = false;
        consumer.wakeup();
        if (!started) {
            consumer.close(Duration.ofSeconds(2));
            return;
        }
        try {
            follower.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
