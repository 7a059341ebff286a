package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.alerting.AlertingApp;
import io.probr.alerting.AlertingConfig;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.config.Webhook;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.topic.Topic;
import io.probr.schemas.topic.WindowHeaders;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.JavaProcess;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import io.probr.stack.StandardWebhooksVerifier;
import io.probr.stack.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerting on a real broker and ClickHouse, delivering to a real HTTP receiver on loopback: windows as the
 * aggregator writes them go in; signed deliveries, retries, logs and restarts are checked.
 */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class AlertingIT {
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final long MINUTE = 60_000;

    private final String container = "GTM-AL" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private KafkaSettings kafka;
    private ConfigView view;
    private ConfigWriter writer;
    private ClickHouseHttp clickHouse;
    private Map<String, String> env;
    private AlertingApp alerting;
    private WebhookReceiver receiver;
    private KafkaProducer<byte[], byte[]> producer;

    @BeforeEach
    void start(LocalKafkaBroker broker, LocalClickHouse server, @TempDir Path state) throws Exception {
        clickHouse = new ClickHouseHttp(server.httpUrl(), "default", "");
        new MigrationRunner(clickHouse).apply(Migration.bundled());
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin(Map.of())) {
            io.probr.schemas.runtime.TopicSetup.ensure(admin, List.of(Topic.CONFIG, Topic.WINDOWS, Topic.ALERTS), 3,
                    (short) 1, 30_000);
        }
        view = new ConfigView(kafka, "alerting-it").start();
        assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
        writer = new ConfigWriter(kafka, view);
        receiver = new WebhookReceiver();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        env = new HashMap<>(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_ALERTING_STATE_DIR", state.toString(), "PROBR_ALERTING_PORT", "0",
                "PROBR_ALERTING_TICK_MS", "200", "PROBR_CLICKHOUSE_URL", server.httpUrl(),
                "PROBR_WEBHOOK_ALLOW_PRIVATE", "true", "PROBR_WEBHOOK_FIRST_RETRY_MS", "300",
                "PROBR_WEBHOOK_TIMEOUT_MS", "700",
                // every test starts a fresh evaluation (its own state), as a new deployment would
                "PROBR_ALERTING_APPLICATION_ID", "alerting-it-" + UUID.randomUUID()));
        startAlerting();
    }

    private void startAlerting() throws Exception {
        alerting = new AlertingApp(AlertingConfig.fromEnv(env));
        Poll.until("alerting ready", Duration.ofSeconds(60), alerting::isReady);
    }

    @AfterEach
    void stop() throws Exception {
        if (alerting != null) {
            alerting.close();
        }
        receiver.close();
        producer.close();
        writer.close();
        view.close();
    }

    private Webhook webhook(int maxAttempts) throws Exception {
        return webhook(maxAttempts, null);
    }

    private Webhook webhook(int maxAttempts, String template) throws Exception {
        String secret = io.probr.schemas.alert.WebhookSignature.newSecret(new java.security.SecureRandom());
        return writer.put(new Webhook("wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), "it",
                receiver.url("/hook"), "POST", Map.of(), List.of("*"), true,
                new Webhook.RetryConfig(maxAttempts, 2, 5_000), template, secret, "x", "x", 1), OptionalLong.empty());
    }

    private void trigger(Webhook webhook) throws Exception {
        trigger(webhook, "{\"failure_rate\": {\"greater_than\": 0.5}, \"min_executions\": 3, \"period\": \"5m\"}",
                "CAPI");
    }

    private void trigger(Webhook webhook, String conditions, String tag) throws Exception {
        writer.put(new Trigger("tr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), "CAPI failing",
                null, null, container, tag, JSON.readTree(conditions), List.of(new Trigger.Action("webhook", webhook.id())),
                true, "x", "x", 1), OptionalLong.empty());
    }

    /** A closed window as the aggregator writes it, ending now; CAPI with {@code ok} and {@code failed}. */
    private void window(int minutesAgo, long ok, long failed) throws Exception {
        long end = System.currentTimeMillis() / MINUTE * MINUTE - minutesAgo * MINUTE;
        BatchedPayload window = new BatchedPayload(container, true, end - MINUTE, end, ok + failed,
                Map.of("purchase", ok + failed), Map.of("CAPI", new BatchedPayload.TagMetrics(ok, failed, 0, 0,
                50 * (ok + failed), ok + failed)), null, null);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topic.WINDOWS.topicName(),
                container.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(window));
        record.headers().add(WindowHeaders.WINDOW_PART, WindowHeaders.FINAL_PART.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    private List<WebhookReceiver.Request> awaitRequests(int count) throws Exception {
        Poll.until(count + " request(s) at the receiver", Duration.ofSeconds(30), () -> receiver.requests().size() >= count);
        return receiver.requests();
    }

    @Test
    void failingWindowsFireOnceSignedAndHealthyOnesResolveOnce() throws Exception {
        Webhook webhook = webhook(3);
        trigger(webhook);
        window(2, 0, 5);
        WebhookReceiver.Request firing = awaitRequests(1).get(0);
        JsonNode body = JSON.readTree(firing.body());
        assertEquals("alert.firing", body.get("type").asText());
        assertEquals(container, body.get("data").get("container_id").asText());
        assertEquals("CAPI", body.get("data").get("tag").asText());
        assertEquals(1.0, body.get("data").get("value").asDouble());
        assertEquals("valid", new StandardWebhooksVerifier().verify(webhook.secret(), Map.of(
                "webhook-id", firing.headers().get("webhook-id"),
                "webhook-timestamp", firing.headers().get("webhook-timestamp"),
                "webhook-signature", firing.headers().get("webhook-signature")), firing.body()));

        window(1, 2, 3);
        window(0, 50, 0);
        WebhookReceiver.Request resolved = awaitRequests(2).get(1);
        assertEquals("alert.resolved", JSON.readTree(resolved.body()).get("type").asText());
        assertEquals(body.get("data").get("incident_id").asText(),
                JSON.readTree(resolved.body()).get("data").get("incident_id").asText());
        Poll.until("both changes in probr.alert_executions", Duration.ofSeconds(10), () -> clickHouse.query(
                "SELECT count() FROM probr.alert_executions FINAL WHERE container_id = '" + container + "'").strip()
                .equals("2"));
        assertEquals(2, receiver.requests().size(), "one delivery per change");

        // the history, through the control API
        try (io.probr.control.ControlApp api = new io.probr.control.ControlApp(io.probr.control.ControlConfig.fromEnv(
                Map.of("PROBR_KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "PROBR_API_HOST", "127.0.0.1",
                        "PROBR_API_PORT", "0", "PROBR_CLICKHOUSE_URL", env.get("PROBR_CLICKHOUSE_URL"))))) {
            String token = (String) new io.probr.control.config.Tokens(view, writer, java.time.Clock.systemUTC())
                    .create("alerting-it", true).get("token");
            ApiTokens.awaitKnown(api.port(), token);
            String triggerId = JSON.readTree(firing.body()).get("data").get("trigger").get("id").asText();
            JsonNode executions = apiGet(api, token, "/v1/executions?trigger_id=" + triggerId);
            assertEquals(2, executions.get("data").size(), executions.toString());
            assertMatchesDocument("ExecutionList", executions);
            assertEquals("resolved", executions.get("data").get(0).get("status").asText());
            assertEquals("firing", executions.get("data").get(1).get("status").asText());
            assertEquals(1, apiGet(api, token, "/v1/executions?status=firing&trigger_id=" + triggerId).get("data").size());
            JsonNode logs = apiGet(api, token, "/v1/webhooks/" + webhook.id() + "/logs");
            assertEquals(2, logs.get("data").size(), logs.toString());
            assertMatchesDocument("DeliveryList", logs);
            assertEquals("success", logs.get("data").get(0).get("status").asText());
            assertEquals(200, logs.get("data").get(0).get("status_code").asInt());
            assertEquals(firing.headers().get("webhook-id"), logs.get("data").get(1).get("delivery_id").asText());
        }
    }

    /** A real answer against the control API's OpenAPI document (in its jar). */
    private static void assertMatchesDocument(String schemaName, JsonNode answer) {
        assertEquals(java.util.Set.of(), com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(com.networknt.schema.SchemaLocation.of(
                "classpath:openapi.json#/components/schemas/" + schemaName)).validate(answer), schemaName);
    }

    private static JsonNode apiGet(io.probr.control.ControlApp api, String token, String path) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void aBodyTemplateShapesTheDeliveryWithJsonEscapedValues() throws Exception {
        Webhook webhook = webhook(3, "{\"text\": \"{{trigger}}: {{tag}} {{metric}} = {{value}} on {{container}} ({{status}})\"}");
        trigger(webhook);
        window(1, 1, 4);
        JsonNode body = JSON.readTree(awaitRequests(1).get(0).body());
        assertEquals("CAPI failing: CAPI failure_rate = 0.8 on " + container + " (firing)", body.get("text").asText());
    }

    @Test
    void aContainerThatFallsSilentFiresWithinItsMinutesPlusATick() throws Exception {
        Webhook webhook = webhook(3);
        trigger(webhook, "{\"no_events\": {\"for\": \"1m\"}}", null);
        window(0, 5, 0);
        long lastHeard = System.currentTimeMillis();
        WebhookReceiver.Request firing;
        Poll.until("silence noticed", Duration.ofSeconds(90), () -> !receiver.requests().isEmpty());
        firing = receiver.requests().get(0);
        long after = Duration.between(java.time.Instant.ofEpochMilli(lastHeard), firing.at()).toMillis();
        assertEquals("no_events", JSON.readTree(firing.body()).get("data").get("metric").asText());
        assertTrue(after >= 60_000 && after < 60_000 + MINUTE, "fired " + after + " ms after the last window");
    }

    @Test
    void aReceiverAnswering500ThenOkGetsThreeAttemptsFollowingTheBackoffAllLogged() throws Exception {
        receiver.answer(500, 500, 200);
        Webhook webhook = webhook(5);
        trigger(webhook);
        window(1, 0, 5);
        List<WebhookReceiver.Request> requests = awaitRequests(3);
        assertEquals(1, requests.stream().map(r -> r.headers().get("webhook-id")).distinct().count(),
                "one delivery id across its attempts");
        long firstGap = Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis();
        long secondGap = Duration.between(requests.get(1).at(), requests.get(2).at()).toMillis();
        assertTrue(firstGap >= 300 && secondGap >= 600, "backoff 300 ms then 600 ms: " + firstGap + ", " + secondGap);
        Poll.until("three attempts logged", Duration.ofSeconds(10), () -> clickHouse.query(
                "SELECT groupArray(outcome) FROM (SELECT outcome FROM probr.webhook_deliveries FINAL WHERE webhook_id = '"
                + webhook.id() + "' ORDER BY attempt)").strip().equals("['retrying','retrying','success']"));
    }

    @Test
    void aReceiverThatNeverAnswersGetsMaxAttemptsEachBoundedThenAFailedDelivery() throws Exception {
        receiver.answer(WebhookReceiver.NO_ANSWER, WebhookReceiver.NO_ANSWER, WebhookReceiver.NO_ANSWER);
        Webhook webhook = webhook(3);
        trigger(webhook);
        window(1, 0, 5);
        awaitRequests(3);
        Poll.until("a failed delivery in the log", Duration.ofSeconds(20), () -> clickHouse.query(
                "SELECT countIf(outcome = 'failed'), count(), max(latency_ms) < 2000, min(error LIKE 'timeout%')"
                + " FROM probr.webhook_deliveries FINAL WHERE webhook_id = '" + webhook.id() + "'").strip()
                .equals("1\t3\t1\t1"));
        assertEquals(3, receiver.requests().size());
    }

    @Test
    void aDispatcherKilledBetweenAttemptsCompletesTheDeliveryOnceAfterItsRestart(@TempDir Path logs) throws Exception {
        alerting.close(); // this test's alerting runs as a child JVM, to be killed for real
        alerting = null;
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> child = new HashMap<>(env);
        child.put("PROBR_ALERTING_PORT", Integer.toString(port));
        child.put("PROBR_ALERTING_HOST", "127.0.0.1");
        child.put("PROBR_WEBHOOK_FIRST_RETRY_MS", "60000"); // the second attempt waits: the kill comes first
        receiver.answer(503);
        Webhook webhook = webhook(3);
        trigger(webhook);
        try (JavaProcess first = new JavaProcess(AlertingApp.class.getName(), child, logs.resolve("first.log"))) {
            first.start();
            awaitReady(port);
            window(1, 0, 5);
            String deliveryId = awaitRequests(1).get(0).headers().get("webhook-id");
            Poll.until("the first attempt logged", Duration.ofSeconds(10), () -> clickHouse.query(
                    "SELECT count() FROM probr.webhook_deliveries FINAL WHERE webhook_id = '" + webhook.id() + "'")
                    .strip().equals("1"));
            first.kill(); // SIGKILL while the delivery waits for its second attempt

            child.put("PROBR_WEBHOOK_FIRST_RETRY_MS", "300");
            try (JavaProcess second = new JavaProcess(AlertingApp.class.getName(), child, logs.resolve("second.log"))) {
                second.start();
                List<WebhookReceiver.Request> requests = awaitRequests(2);
                assertEquals(deliveryId, requests.get(1).headers().get("webhook-id"), "the same delivery, resumed");
                Poll.until("attempt 2 logged as the success", Duration.ofSeconds(10), () -> clickHouse.query(
                        "SELECT groupArray(attempt), groupArray(outcome) FROM (SELECT attempt, outcome FROM"
                        + " probr.webhook_deliveries FINAL WHERE webhook_id = '" + webhook.id() + "' ORDER BY attempt)")
                        .strip().equals("[1,2]\t['retrying','success']"));
                Thread.sleep(1000); // nothing else may come: a finished delivery is not sent again
                assertEquals(2, receiver.requests().size());
            }
        }
    }

    private static void awaitReady(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Poll.until("the child alerting ready", Duration.ofSeconds(90), () -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/readyz")).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }
}
