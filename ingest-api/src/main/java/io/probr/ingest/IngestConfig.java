package io.probr.ingest;

import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.HttpListener;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.runtime.TlsSettings;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.window.EventTimeRule;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The edge's configuration, read once from environment variables (docs/operations.md). Kafka
 * producer settings pass through: {@code PROBR_KAFKA_PRODUCER_LINGER_MS=5} becomes {@code linger.ms=5}.
 */
public record IngestConfig(
        String host,
        int port,
        KafkaSettings kafka,
        Path keysFile,
        long keysReloadMs,
        int maxBodyBytes,
        double ratePerSecond,
        int rateBurst,
        long publishTimeoutMs,
        int warmupSeconds,
        EventTimeRule timeRule,
        Optional<TlsSettings> tls,
        HttpListener.Limits limits,
        long minBodyBytesPerSecond,
        int maxInFlight,
        int failedAuthBurst,
        long failedAuthRefillMs,
        Map<String, String> producerOverrides) {

    public static final String PRODUCER_PREFIX = "PROBR_KAFKA_PRODUCER_";

    public static IngestConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        IngestConfig config = new IngestConfig(
                e.get("PROBR_EDGE_HOST", "0.0.0.0"),
                e.integer("PROBR_EDGE_PORT", 8080, 0, 65535),
                KafkaSettings.fromEnv(e),
                Path.of(e.get("PROBR_KEYS_FILE", "keys.json")),
                e.integer("PROBR_KEYS_RELOAD_MS", 2000, 100, 3_600_000),
                e.integer("PROBR_MAX_BODY_BYTES", 1_048_576, 1024, 1_048_576),
                e.positiveDecimal("PROBR_RATE_PER_SECOND", 200),
                e.integer("PROBR_RATE_BURST", 400, 1, 1_000_000),
                e.integer("PROBR_PUBLISH_TIMEOUT_MS", 4000, 500, 9000),
                e.integer("PROBR_EDGE_WARMUP_SECONDS", 30, 0, 600),
                EventTimeRule.fromEnv(e),
                TlsSettings.fromEnv(e, "PROBR_EDGE_TLS_"),
                HttpListener.Limits.fromEnv(e, "PROBR_EDGE_"),
                e.number("PROBR_EDGE_MIN_BODY_BYTES_PER_SECOND", 8192, 0, 1_000_000_000),
                e.integer("PROBR_EDGE_MAX_IN_FLIGHT", 2000, 1, 1_000_000),
                e.integer("PROBR_EDGE_FAILED_AUTH_BURST", 100, 1, 1_000_000),
                e.number("PROBR_EDGE_FAILED_AUTH_REFILL_MS", 100, 1, 3_600_000),
                e.withPrefix(PRODUCER_PREFIX));
        return config;
    }

    /**
     * Producer settings: {@code acks=all} and idempotence so a 200 means the record is durably and singly
     * written; {@code delivery.timeout.ms} below the answer timeout so the producer gives its own verdict
     * (and stops retrying) before the edge answers 500.
     */
    public Properties producerProperties() {
        Properties props = kafka.clientProperties();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("compression.type", "lz4");
        // Every request waits for its own ack, so linger adds straight to latency; concurrent requests still
        // share batches while one is in flight. Measured here: linger 0 → 5.3k req/s, linger 5 → 2.9k (wrk -c32).
        props.put("linger.ms", "0");
        props.put("max.request.size", Integer.toString(Topic.MAX_MESSAGE_BYTES));
        props.put("max.block.ms", Long.toString(Math.min(1000, publishTimeoutMs / 4)));
        props.put("request.timeout.ms", Long.toString(publishTimeoutMs / 2));
        props.put("delivery.timeout.ms", Long.toString(publishTimeoutMs * 3 / 4));
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        producerOverrides.forEach(props::put);
        return props;
    }

    /** The configuration as it may be logged. */
    @Override
    public String toString() {
        return "IngestConfig[host=" + host + ", port=" + port + ", " + kafka + ", keysFile=" + keysFile
                + ", keysReloadMs=" + keysReloadMs + ", maxBodyBytes=" + maxBodyBytes + ", rate=" + ratePerSecond
                + "/s burst " + rateBurst + ", publishTimeoutMs=" + publishTimeoutMs + ", warmupSeconds=" + warmupSeconds
                + ", maxClockSkewMs=" + timeRule.maxSkewMs() + ", " + tls.map(TlsSettings::toString).orElse("tls=off")
                + ", " + limits + ", minBodyBytesPerSecond=" + minBodyBytesPerSecond + ", maxInFlight=" + maxInFlight
                + ", failedAuth=" + failedAuthBurst + " then 1/" + failedAuthRefillMs + " ms, producerOverrides=" + producerOverrides.keySet() + "]";
    }
}
