package io.probr.schemas.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Where alerts are delivered. The secret ({@code whsec_<base64>}, Standard Webhooks) signs every delivery, so
 * unlike keys and tokens it is kept as is: it is needed to sign, not only to check.
 */
public record Webhook(String id, String name, String url, String method, Map<String, String> headers,
                      List<String> events, @JsonProperty("is_active") boolean active, RetryConfig retryConfig,
                      String body, String secret, String createdAt, String updatedAt, long version)
        implements ConfigEntity {

    public Webhook {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        events = events == null ? List.of() : List.copyOf(events);
        retryConfig = retryConfig == null ? RetryConfig.DEFAULT : retryConfig;
    }

    /** Attempts in all, the factor between two delays, and the longest delay, in milliseconds. */
    public record RetryConfig(int maxAttempts, double backoffMultiplier, long maxDelay) {
        public static final RetryConfig DEFAULT = new RetryConfig(3, 2, 30_000);
    }

    @Override
    public ConfigKind kind() {
        return ConfigKind.WEBHOOK;
    }

    /** Whether this webhook wants deliveries of {@code event} ({@code alert.firing}, ...). */
    public boolean wants(String event) {
        return events.isEmpty() || events.contains("*") || events.contains(event);
    }
}
