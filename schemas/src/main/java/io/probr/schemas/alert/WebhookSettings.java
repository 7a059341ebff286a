package io.probr.schemas.alert;

import io.probr.schemas.runtime.EnvVars;
import java.time.Clock;
import java.time.Duration;

/** How webhooks are called, the same for the dispatcher and the API's test call (docs/operations.md). */
public record WebhookSettings(boolean allowPrivate, long connectTimeoutMs, long responseTimeoutMs) {

    public static WebhookSettings fromEnv(EnvVars env) {
        return new WebhookSettings(Boolean.parseBoolean(env.get("PROBR_WEBHOOK_ALLOW_PRIVATE", "false")),
                env.number("PROBR_WEBHOOK_CONNECT_TIMEOUT_MS", 5000, 100, 60_000),
                env.number("PROBR_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000));
    }

    public UrlPolicy urls() {
        return new UrlPolicy(allowPrivate);
    }

    public WebhookCall call(Clock clock) {
        return new WebhookCall(Duration.ofMillis(connectTimeoutMs), Duration.ofMillis(responseTimeoutMs), urls(), clock);
    }
}
