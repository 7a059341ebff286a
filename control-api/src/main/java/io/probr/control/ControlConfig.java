package io.probr.control;

import io.probr.schemas.alert.WebhookSettings;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.HttpListener;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.runtime.TlsSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The control API's configuration, read once from environment variables (docs/operations.md). */
public record ControlConfig(
        String host,
        int port,
        KafkaSettings kafka,
        String clickHouseUrl,
        String clickHouseUser,
        String clickHousePassword,
        int queryTimeoutSeconds,
        int maxResultRows,
        int maxReportRows,
        int maxRangeDays,
        List<String> conversionEvents,
        int failedAuthBurst,
        long failedAuthRefillMs,
        WebhookSettings webhooks,
        Optional<TlsSettings> tls,
        HttpListener.Limits limits) {

    public static ControlConfig fromEnv(Map<String, String> env) {
        EnvVars e = new EnvVars(env);
        String url = e.get("PROBR_CLICKHOUSE_URL", "http://127.0.0.1:8123");
        return new ControlConfig(
                e.get("PROBR_API_HOST", "0.0.0.0"),
                e.integer("PROBR_API_PORT", 8081, 0, 65535),
                KafkaSettings.fromEnv(e),
                url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
                e.get("PROBR_API_CLICKHOUSE_USER", e.get("PROBR_CLICKHOUSE_USER", "default")),
                e.get("PROBR_API_CLICKHOUSE_PASSWORD", e.get("PROBR_CLICKHOUSE_PASSWORD", "")),
                e.integer("PROBR_API_QUERY_TIMEOUT_SECONDS", 10, 1, 300),
                e.integer("PROBR_API_MAX_RESULT_ROWS", 100_000, 100, 10_000_000),
                e.integer("PROBR_API_MAX_REPORT_ROWS", 10_000, 1, 100_000),
                e.integer("PROBR_API_MAX_RANGE_DAYS", 400, 1, 3660),
                Arrays.stream(e.get("PROBR_CONVERSION_EVENTS", "purchase").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                e.integer("PROBR_API_FAILED_AUTH_BURST", 20, 1, 1_000_000),
                e.number("PROBR_API_FAILED_AUTH_REFILL_MS", 1000, 1, 3_600_000),
                WebhookSettings.fromEnv(e),
                TlsSettings.fromEnv(e, "PROBR_API_TLS_"),
                HttpListener.Limits.fromEnv(e, "PROBR_API_"));
    }

    /** The configuration as it may be logged: no password. */
    @Override
    public String toString() {
        return "ControlConfig[host=" + host + ", port=" + port + ", " + kafka + ", clickHouseUrl=" + clickHouseUrl
                + ", clickHouseUser=" + clickHouseUser + ", queryTimeoutSeconds=" + queryTimeoutSeconds
                 + ", maxResultRows=" + maxResultRows + ", maxReportRows=" + maxReportRows + ", maxRangeDays=" + maxRangeDays
                + ", conversionEvents=" + conversionEvents + ", failedAuthBurst=" + failedAuthBurst
                + ", failedAuthRefillMs=" + failedAuthRefillMs + ", " + webhooks + ", "
                + tls.map(TlsSettings::toString).orElse("tls=off") + ", " + limits + "]";
    }
}
