package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
    private final KafkaSettings settings = KafkaSettings.fromEnv(new EnvVars(Map.of(
            "PROBR_KAFKA_BOOTSTRAP", "kafka:9092",
            "PROBR_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "PROBR_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN",
            "PROBR_KAFKA_CLIENT_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"probr\" password=\"s3cret\";")));

    @Test
    void everyClientGetsTheBootstrapAndTheSecuritySettings() {
        Map<String, Object> client = settings.client();
        assertEquals("kafka:9092", client.get("bootstrap.servers"));
        assertEquals("SASL_PLAINTEXT", client.get("security.protocol"));
        assertEquals("PLAIN", client.get("sasl.mechanism"));
        Properties properties = new Properties();
        properties.putAll(client);
        assertEquals(properties, settings.clientProperties());
        assertEquals(3, settings.topicPartitions());
    }

    @Test
    void aLoggedConfigurationNamesTheSettingsButNeverShowsTheirValues() {
        String logged = settings.toString();
        assertFalse(logged.contains("s3cret"), logged);
        assertFalse(logged.contains("PlainLoginModule"), logged);
        assertEquals("kafka=kafka:9092, kafkaClientSettings=[sasl.jaas.config, sasl.mechanism, security.protocol],"
                + " topics=3x1, topicRetentionDays=7, dlqRetentionDays=30", logged);
    }
}
