package io.probr.schemas.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * How every Kafka client of every Probr process reaches the cluster, read from one place: the bootstrap
 * servers, the client security settings that every producer, consumer, Streams app and Admin client shares
 * ({@code PROBR_KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}, likewise
 * {@code _SASL_MECHANISM}, {@code _SASL_JAAS_CONFIG}, {@code _SSL_TRUSTSTORE_LOCATION}...), and how topics are
 * created and how long they keep records.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientSettings, int topicPartitions,
        short topicReplication, TopicRetention retention) {
    public static final String CLIENT_PREFIX = "PROBR_KAFKA_CLIENT_";
    private static final long DAY_MS = 86_400_000L;

    /**
     * How long topics keep records: the pipeline's topics (events, batches, windows, alerts) for {@code recordsMs},
     * which is the replay window; the dead letters longer, for someone to look at them.
     */
    public record TopicRetention(long recordsMs, long deadLettersMs) {
        public static final TopicRetention DEFAULT = new TopicRetention(7 * DAY_MS, 30 * DAY_MS);
    }

    public KafkaSettings {
        clientSettings = Map.copyOf(clientSettings);
    }

    public KafkaSettings(String bootstrapServers, Map<String, String> clientSettings, int topicPartitions,
                         short topicReplication) {
        this(bootstrapServers, clientSettings, topicPartitions, topicReplication, TopicRetention.DEFAULT);
    }

    public static KafkaSettings fromEnv(EnvVars env) {
        return new KafkaSettings(env.get("PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:9092"), env.withPrefix(CLIENT_PREFIX),
                env.integer("PROBR_TOPIC_PARTITIONS", 3, 1, 1000),
                (short) env.integer("PROBR_TOPIC_REPLICATION", 1, 1, 10),
                new TopicRetention(env.integer("PROBR_TOPIC_RETENTION_DAYS", 7, 1, 3650) * DAY_MS,
                        env.integer("PROBR_DLQ_RETENTION_DAYS", 30, 1, 3650) * DAY_MS));
    }

    /** The settings a client starts from (bootstrap and security); the caller adds its own. */
    public Map<String, Object> client() {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put("bootstrap.servers", bootstrapServers);
        return settings;
    }

    /** {@link #client()} as {@link Properties}, for the clients configured that way. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(client());
        return props;
    }

    /** An Admin client with these settings and {@code extra} ones (timeouts). */
    public Admin admin(Map<String, Object> extra) {
        Map<String, Object> settings = client();
        settings.putAll(extra);
        return Admin.create(settings);
    }

    /** As it may be logged: security settings by name only, since they hold passwords. */
    @Override
    public String toString() {
        return "kafka=" + bootstrapServers + ", kafkaClientSettings=" + new TreeSet<>(clientSettings.keySet()) + ", topics="
                + topicPartitions + "x" + topicReplication + ", topicRetentionDays=" + retention.recordsMs() / DAY_MS
                + ", dlqRetentionDays=" + retention.deadLettersMs() / DAY_MS;
    }
}
