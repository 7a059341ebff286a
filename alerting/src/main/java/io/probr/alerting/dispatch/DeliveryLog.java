package io.probr.alerting.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.alerting.AlertTransition;
import io.probr.schemas.payload.ProbrJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the dispatcher keeps what it did, in ClickHouse: each change of an incident ({@code probr.alert_executions})
 * and each delivery attempt ({@code probr.webhook_deliveries}). The attempts are also how a restarted dispatcher
 * knows where a delivery stands.
 */
public final class DeliveryLog {
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final Pattern DELIVERY_ID = Pattern.compile("msg_[0-9a-f]{1,64}");

    /** Where a delivery stands: the last attempt logged (0: none) and whether it is over. */
    public record Progress(int lastAttempt, boolean finished) {
        static final Progress NONE = new Progress(0, false);
    }

    /** One attempt, as logged. */
    public record Attempt(String deliveryId, int attempt, String webhookId, AlertTransition transition, long startedAtMs,
                          int statusCode, String error, long latencyMs, String responseBody, String outcome,
                          long nextAttemptAtMs) {
    }

    private final URI endpoint;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public DeliveryLog(String baseUrl, String user, String password) {
        this.endpoint = URI.create(baseUrl + "/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public void execution(AlertTransition t) throws IOException, InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("transition_id", t.transitionId());
        row.put("incident_id", t.incidentId());
        row.put("trigger_id", t.triggerId());
        row.put("trigger_name", t.triggerName() == null ? "" : t.triggerName());
        row.put("site_id", t.siteId() == null ? "" : t.siteId());
        row.put("container_id", t.containerId());
        row.put("tag", t.tag() == null ? "" : t.tag());
        row.put("status", t.status());
        row.put("metric", t.metric());
        row.put("value", t.value());
        row.put("threshold", t.threshold());
        row.put("window_start_ms", t.windowStartMs());
        row.put("window_end_ms", t.windowEndMs());
        row.put("at_ms", t.atMs());
        insert("probr.alert_executions", row);
    }

    public void attempt(Attempt a) throws IOException, InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("delivery_id", a.deliveryId());
        row.put("attempt", a.attempt());
        row.put("webhook_id", a.webhookId());
        row.put("transition_id", a.transition() == null ? "" : a.transition().transitionId());
        row.put("incident_id", a.transition() == null ? "" : a.transition().incidentId());
        row.put("trigger_id", a.transition() == null ? "" : a.transition().triggerId());
        row.put("event", a.transition() == null ? "webhook.test" : a.transition().event());
        row.put("started_at_ms", a.startedAtMs());
        row.put("status_code", a.statusCode());
        row.put("error", a.error() == null ? "" : a.error());
        row.put("latency_ms", a.latencyMs());
        row.put("response_body", a.responseBody() == null ? "" : a.responseBody());
        row.put("outcome", a.outcome());
        row.put("next_attempt_at_ms", a.nextAttemptAtMs());
        insert("probr.webhook_deliveries", row);
    }

    /** The delivery's last logged attempt; ids are the dispatcher's own ({@code msg_<hex>}), checked before use. */
    public Progress progress(String webhookId, String deliveryId) throws IOException, InterruptedException {
        if (!DELIVERY_ID.matcher(deliveryId).matches() || !webhookId.matches("wh_[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("not a delivery id: " + deliveryId);
        }
        String body = send("SELECT max(attempt) AS last, countIf(outcome != 'retrying') > 0 AS finished"
                + " FROM probr.webhook_deliveries FINAL WHERE webhook_id = '" + webhookId + "' AND delivery_id = '"
                + deliveryId + "' FORMAT JSONEachRow", null);
        if (body.isBlank()) {
            return Progress.NONE;
        }
        JsonNode row = JSON.readTree(body.lines().findFirst().orElse("{}"));
        return new Progress(row.path("last").asInt(0), row.path("finished").asInt(0) == 1);
    }

    private void insert(String table, Map<String, Object> row) throws IOException, InterruptedException {
        send("INSERT INTO " + table + " FORMAT JSONEachRow", JSON.writeValueAsString(row));
    }

    private String send(String query, String data) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", authorization)
                .POST(data == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(data + "\n", StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("ClickHouse answered " + response.statusCode() + ": " + response.body().strip());
        }
        return response.body();
    }
}
