package io.probr.alerting.dispatch;

import io.probr.schemas.config.Webhook;

/**
 * The wait before attempt {@code n + 1}: the first delay times the multiplier for each attempt after the first,
 * or as long as {@code Retry-After} asks if that is longer, and never more than the webhook's {@code max_delay}.
 */
public record Backoff(long firstDelayMs) {

    public long delayAfter(int attempt, Webhook.RetryConfig retry, Long retryAfterSeconds) {
        double delay = firstDelayMs * Math.pow(retry.backoffMultiplier(), attempt - 1);
        if (retryAfterSeconds != null) {
            delay = Math.max(delay, retryAfterSeconds * 1000.0);
        }
        return (long) Math.min(delay, retry.maxDelay());
    }
}
