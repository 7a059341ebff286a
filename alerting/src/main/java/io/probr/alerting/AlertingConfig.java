package io.probr.alerting;

import io.probr.schemas.alert.WebhookSettings;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;

/** The alerting process's configuration, read once from environment variables (docs/operations.md). */
public record AlertingConfig(
        KafkaSettings kafka,
        String applicationId,
        Path stateDir,
        long tickMs,
        String host,
        int port,
        String clickHouseUrl,
        String clickHouseUser,
        String clickHousePassword,
        WebhookSettings webhooks,
        long firstRetryDelayMs,
        Map<String, String> streamsOverrides) {

    public static final String STREAMS_PREFIX = "PROBR_KAFKA_STREAMS_";

    public static AlertingConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        String url = e.get("PROBR_CLICKHOUSE_URL", "http://127.0.0.1:8123");
        return new AlertingConfig(
                KafkaSettings.fromEnv(e),
                e.get("PROBR_ALERTING_APPLICATION_ID", "probr-alerting"),
                Path.of(e.get("PROBR_ALERTING_STATE_DIR", System.getProperty("java.io.tmpdir") + "/probr-alerting")),
                e.number("PROBR_ALERTING_TICK_MS", 5_000, 10, 600_000),
                e.get("PROBR_ALERTING_HOST", "0.0.0.0"),
                e.integer("PROBR_ALERTING_PORT", 8084, 0, 65535),
                url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
                e.get("PROBR_CLICKHOUSE_USER", "default"),
                e.get("PROBR_CLICKHOUSE_PASSWORD", ""),
                WebhookSettings.fromEnv(e),
                e.number("PROBR_WEBHOOK_FIRST_RETRY_MS", 1_000, 10, 600_000),
                e.withPrefix(STREAMS_PREFIX));
    }

    /** The configuration as it may be logged: no password, pass-through settings by name only. */
    @Override
    public String toString() {
        return "AlertingConfig[" + kafka + ", applicationId=" + applicationId + ", stateDir=" + stateDir
                + ", tickMs=" + tickMs + ", http=" + host + ":" + port + ", clickHouseUrl=" + clickHouseUrl
                + ", clickHouseUser=" + clickHouseUser + ", " + webhooks + ", firstRetryDelayMs=" + firstRetryDelayMs
                + ", streamsOverrides=" + streamsOverrides.keySet() + "]";
    }
}
