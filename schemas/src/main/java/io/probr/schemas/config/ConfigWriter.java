package io.probr.schemas.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.topic.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code probr.config.v1} with compare-and-set semantics across every process that writes it (API
 * instances, the CLIs). Kafka has no conditional write, so the writers take turns through one transactional
 * id: a writer that starts fences the one before it, reads the log up to its stable end, checks the version,
 * then commits. A writer fenced in between has its commit refused and starts over, so a stale version is
 * answered as a conflict and never overwrites a newer entity, and only winning writes are ever committed —
 * which is what keeps the compacted log and every reader in agreement.
 */
public final class ConfigWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWriter.class);
    /** One id for every writer, everywhere: sharing it is what makes them take turns. */
    public static final String TRANSACTIONAL_ID = "probr-config-writer";
    private static final TopicPartition PARTITION = new TopicPartition(Topic.CONFIG.topicName(), 0);
    private static final int ATTEMPTS = 5;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final KafkaSettings kafka;
    private final ConfigView view;
    private final Admin admin;
    private KafkaProducer<String, byte[]> producer;

    public ConfigWriter(KafkaSettings kafka, ConfigView view) {
        this.kafka = kafka;
        this.view = view;
        this.admin = kafka.admin(Map.of("request.timeout.ms", 5000, "default.api.timeout.ms", 10000));
    }

    /**
     * Stores {@code entity} if the stored one is at {@code expectedVersion} (absent: must not exist), and
     * returns once this process's view has it.
     */
    public synchronized <T extends ConfigEntity> T put(T entity, OptionalLong expectedVersion)
            throws ConfigConflictException, InterruptedException {
        byte[] value;
        try {
            value = ConfigView.JSON.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("entity not serialisable: " + entity.key(), e);
        }
        write(entity.key(), value, expectedVersion);
        return entity;
    }

    /** Deletes (a tombstone) the entity if it is at {@code expectedVersion}. */
    public synchronized void delete(ConfigKey key, long expectedVersion) throws ConfigConflictException,
            InterruptedException {
        write(key, null, OptionalLong.of(expectedVersion));
    }

    private void write(ConfigKey key, byte[] value, OptionalLong expectedVersion)
            throws ConfigConflictException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                long offset = writeOnce(key, value, expectedVersion);
                if (!view.awaitPosition(offset + 1, WAIT)) {
                    throw new IllegalStateException("config write " + key + " committed at offset " + offset
                            + " but not yet in this process's view after " + WAIT.toSeconds() + " s");
                }
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                closeProducer();
                if (attempt == ATTEMPTS) {
                    throw new ConfigConflictException("too many concurrent configuration writes; retry");
                }
                log.debug("config writer fenced by another writer, starting over ({}/{})", attempt, ATTEMPTS);
            } catch (ConfigConflictException e) {
                throw e; // found before any transaction began: the producer is fine
            } catch (InterruptedException | RuntimeException e) {
                // a transaction may be open (interrupted mid-send, a client error): start afresh next time; the
                // coordinator aborts what the closed producer left
                closeProducer();
                throw e;
            }
        }
    }

    private long writeOnce(ConfigKey key, byte[] value, OptionalLong expectedVersion)
            throws ConfigConflictException, InterruptedException {
        KafkaProducer<String, byte[]> current = producer();
        awaitStableEnd();
        Optional<ConfigEntity> stored = view.get(key);
        if (expectedVersion.isEmpty() && stored.isPresent()) {
            throw new ConfigConflictException(key + " already exists");
        }
        if (expectedVersion.isPresent()) {
            if (stored.isEmpty()) {
                throw new ConfigConflictException(key + " no longer exists");
            }
            if (stored.get().version() != expectedVersion.getAsLong()) {
                throw new ConfigConflictException(key + " is at version " + stored.get().version() + ", not "
                        + expectedVersion.getAsLong() + ": read it again");
            }
        }
        current.beginTransaction();
        try {
            RecordMetadata written = current.send(new ProducerRecord<>(PARTITION.topic(), PARTITION.partition(),
                    key.toString(), value)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            current.commitTransaction();
            return written.offset();
        } catch (ExecutionException e) {
            abortQuietly(current);
            if (e.getCause() instanceof KafkaException kafkaError) {
                throw kafkaError;
            }
            throw new KafkaException("config write failed", e.getCause());
        } catch (TimeoutException e) {
            abortQuietly(current);
            throw new KafkaException("config write timed out", e);
        }
    }

    /** Waits until the view holds every record committed so far: those of writers this one has fenced. */
    private void awaitStableEnd() throws InterruptedException {
        long end;
        try {
            end = admin.listOffsets(Map.of(PARTITION, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(PARTITION)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not read the end of " + PARTITION.topic(), e);
        }
        if (!view.awaitPosition(end, WAIT)) {
            throw new KafkaException("the configuration view is not following " + PARTITION.topic());
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = kafka.client();
            settings.put("transactional.id", TRANSACTIONAL_ID);
            settings.put("transaction.timeout.ms", 10_000);
            settings.put("acks", "all");
            settings.put("enable.idempotence", "true");
            settings.put("max.block.ms", 10_000);
            KafkaProducer<String, byte[]> created = new KafkaProducer<>(settings, new StringSerializer(),
                    new ByteArraySerializer());
            try {
                created.initTransactions();
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    private static void abortQuietly(KafkaProducer<String, byte[]> current) {
        try {
            current.abortTransaction();
        } catch (RuntimeException ignored) {
            // the producer is closed and made again; the coordinator aborts what is left
        }
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(1));
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        closeProducer();
        admin.close(Duration.ofSeconds(2));
    }
}
