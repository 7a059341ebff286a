package io.probr.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.probr.control.config.Tokens;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.payload.ProbrJson;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import io.probr.stack.StandardWebhooksVerifier;
import io.probr.stack.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The /v1 configuration endpoints of two API instances sharing one real broker. */
@ExtendWith(SharedKafkaBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlApiIT {
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final HttpClient http = HttpClient.newHttpClient();
    private ControlApp first;
    private ControlApp second;
    private String admin;
    private String readOnly;

    @BeforeAll
    void start(LocalKafkaBroker broker) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers());
        env.put("PROBR_API_HOST", "127.0.0.1");
        env.put("PROBR_API_PORT", "0");
        env.put("PROBR_CLICKHOUSE_URL", "http://127.0.0.1:9");
        env.put("PROBR_WEBHOOK_ALLOW_PRIVATE", "true");
        ControlConfig config = ControlConfig.fromEnv(env);
        first = new ControlApp(config);
        second = new ControlApp(config);
        try (ConfigView view = new ConfigView(config.kafka(), "control-api-it").start();
             ConfigWriter writer = new ConfigWriter(config.kafka(), view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            Tokens tokens = new Tokens(view, writer, Clock.systemUTC());
            admin = (String) tokens.create("it admin", false).get("token");
            readOnly = (String) tokens.create("it reader", true).get("token");
        }
    }

    @AfterAll
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void aSiteCreatedOnOneInstanceIsReadOnTheOtherAndAStaleUpdateIsAConflict() throws Exception {
        String id = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        Answer created = call(first, "POST", "/v1/sites", admin, "{\"id\":\"" + id + "\",\"name\":\"Shop FR\"}");
        assertEquals(201, created.status, created.body.toString());
        assertEquals(1, created.body.get("version").asLong());
        assertMatchesDocument("Site", created.body);
        assertEquals(200, awaitStatus(second, "/v1/sites/" + id, 200));

        Answer renamed = call(second, "PATCH", "/v1/sites/" + id, admin, "{\"name\":\"Boutique\",\"version\":1}");
        assertEquals(200, renamed.status, renamed.body.toString());
        Answer stale = call(first, "PATCH", "/v1/sites/" + id, admin, "{\"name\":\"Lost\",\"version\":1}");
        assertEquals(409, stale.status, stale.body.toString());
        assertEquals("conflict", stale.body.get("error").asText());
        assertMatchesDocument("Error", stale.body);
        assertMatchesDocument("SiteList", call(first, "GET", "/v1/sites?limit=1", admin, null).body);
        assertEquals("Boutique", call(first, "GET", "/v1/sites/" + id, admin, null).body.get("name").asText());

        Answer again = call(first, "POST", "/v1/sites", admin, "{\"id\":\"" + id + "\"}");
        assertEquals(409, again.status);
    }

    @Test
    void concurrentUpdatesFromTheSameVersionOnBothInstancesLetExactlyOneThrough() throws Exception {
        String id = "race-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, call(first, "POST", "/v1/sites", admin, "{\"id\":\"" + id + "\"}").status);
        awaitStatus(second, "/v1/sites/" + id, 200);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            for (ControlApp app : List.of(first, second)) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return call(app, "PATCH", "/v1/sites/" + id, admin,
                            "{\"name\":\"by " + app.port() + "\",\"version\":1}");
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                statuses.add(answer.get().status);
            }
            statuses.sort(null);
            assertEquals(List.of(200, 409), statuses);
        } finally {
            pool.shutdownNow();
        }
        JsonNode onFirst = call(first, "GET", "/v1/sites/" + id, admin, null).body;
        assertEquals(2, onFirst.get("version").asLong());
    }

    @Test
    void keysAreShownOnceListedWithoutSecretsRotatedAndRevoked() throws Exception {
        String site = "keys-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, call(first, "POST", "/v1/sites", admin, "{\"id\":\"" + site + "\"}").status);
        Answer created = call(first, "POST", "/v1/keys", admin, "{\"site_id\":\"" + site
                + "\",\"containers\":[\"GTM-ABC123\"],\"rate_per_second\":50,\"burst\":100,\"label\":\"prod\"}");
        assertEquals(201, created.status, created.body.toString());
        assertMatchesDocument("KeyWithSecret", created.body);
        String secret = created.body.get("secret").asText();
        String id = created.body.get("id").asText();
        assertTrue(secret.startsWith("pk_live_" + id + "_"), secret);

        Answer listed = call(second, "GET", "/v1/keys?site_id=" + site, admin, null);
        assertEquals(200, listed.status);
        assertEquals(1, listed.body.get("data").size());
        assertMatchesDocument("KeyList", listed.body);
        String listing = listed.body.toString();
        assertFalse(listing.contains(secret.substring(25)), listing);
        assertFalse(listing.contains("sha256"), listing);

        Answer rotated = call(first, "POST", "/v1/keys/" + id + "/rotate", admin, "{\"grace_seconds\":60}");
        assertEquals(200, rotated.status, rotated.body.toString());
        assertNotEquals(secret, rotated.body.get("secret").asText());
        assertMatchesDocument("RotatedKey", rotated.body);
        assertEquals(2, rotated.body.get("secrets").size());
        assertTrue(rotated.body.get("secrets").get(1).get("expires_at").isTextual());

        Answer revoked = call(first, "DELETE", "/v1/keys/" + id, admin, null);
        assertEquals("revoked", revoked.body.get("status").asText());
        assertEquals(409, call(first, "POST", "/v1/keys/" + id + "/rotate", admin, "{}").status);
        assertEquals(204, call(first, "DELETE", "/v1/sites/" + site, admin, null).status);
    }

    @Test
    void badInputIsA400NamingTheField() throws Exception {
        Answer unknownField = call(first, "POST", "/v1/sites", admin, "{\"id\":\"ok\",\"nmae\":\"typo\"}");
        assertEquals(400, unknownField.status);
        assertEquals("nmae", unknownField.body.get("field").asText());
        Answer badId = call(first, "POST", "/v1/sites", admin, "{\"id\":\"Shop FR'; DROP\"}");
        assertEquals(400, badId.status);
        assertEquals("id", badId.body.get("field").asText());
        Answer noSite = call(first, "POST", "/v1/keys", admin, "{\"site_id\":\"missing-site\"}");
        assertEquals(400, noSite.status);
        assertEquals("site_id", noSite.body.get("field").asText());
        assertEquals(400, call(first, "GET", "/v1/sites?limit=1001", admin, null).status);
        assertEquals(400, call(first, "POST", "/v1/sites", admin, "[1]").status);
        assertEquals(404, call(first, "GET", "/v1/sites/none-such", admin, null).status);
    }

    @Test
    void tokensAreCheckedAndReadOnlyTokensCannotWrite() throws Exception {
        assertEquals(401, call(first, "GET", "/v1/sites", null, null).status);
        assertEquals(401, call(first, "GET", "/v1/sites", "pa_0123456789abcdef_" + "0".repeat(48), null).status);
        assertEquals(200, call(first, "GET", "/v1/sites", readOnly, null).status);
        Answer write = call(first, "POST", "/v1/sites", readOnly, "{\"id\":\"ro-site\"}");
        assertEquals(403, write.status);
        assertEquals("forbidden", write.body.get("error").asText());

        Answer made = call(first, "POST", "/v1/tokens", admin, "{\"label\":\"temporary\"}");
        assertEquals(201, made.status, made.body.toString());
        assertMatchesDocument("TokenWithSecret", made.body);
        assertMatchesDocument("TokenList", call(first, "GET", "/v1/tokens", admin, null).body);
        String token = made.body.get("token").asText();
        assertEquals(200, call(second, "GET", "/v1/tokens", token, null).status);
        Answer rotated = call(second, "POST", "/v1/auth/rotate-key", token, null);
        assertEquals(200, rotated.status, rotated.body.toString());
        // the other instance follows within a second
        assertEquals(401, awaitStatus(first, "/v1/sites", token, 401));
        String newToken = rotated.body.get("token").asText();
        assertEquals(200, awaitStatus(first, "/v1/sites", newToken, 200));
        assertEquals(204, call(first, "DELETE", "/v1/tokens/" + made.body.get("id").asText(), admin, null).status);
        assertEquals(401, awaitStatus(second, "/v1/sites", newToken, 401));
    }

    @Test
    void failedTokenChecksFromOneAddressAreAnswered429WithRetryAfter(LocalKafkaBroker broker) throws Exception {
        try (ControlApp strict = new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP",
                broker.bootstrapServers(), "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0",
                "PROBR_API_FAILED_AUTH_BURST", "2", "PROBR_API_FAILED_AUTH_REFILL_MS", "60000")))) {
            String wrong = "pa_0123456789abcdef_" + "1".repeat(48);
            assertEquals(401, call(strict, "GET", "/v1/sites", wrong, null).status);
            assertEquals(401, call(strict, "GET", "/v1/sites", null, null).status);
            HttpResponse<String> limited = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.port()
                    + "/v1/sites")).header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, limited.statusCode(), "even a good token waits once the address failed too often");
            assertEquals("60", limited.headers().firstValue("Retry-After").orElse(""));
            assertEquals("rate_limited", JSON.readTree(limited.body()).get("error").asText());
            assertEquals(200, call(first, "GET", "/v1/sites", admin, null).status, "other instances keep their own count");
        }
    }

    @Test
    void aWrongMethodIs405AndAnUnknownPathIs404WithoutAToken() throws Exception {
        Answer wrongMethod = call(first, "PUT", "/v1/sites", admin, "{}");
        assertEquals(405, wrongMethod.status);
        assertEquals("method_not_allowed", wrongMethod.body.get("error").asText());
        assertEquals(404, call(first, "GET", "/v1/nothing-here", null, null).status);
    }

    @Test
    void aWebhookIsCreatedWithItsSecretOnceAndItsTestCallIsSignedAsStandardWebhooksSays() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Answer created = call(first, "POST", "/v1/webhooks", admin, "{\"name\":\"ops\",\"url\":\""
                    + receiver.url("/hook") + "\",\"headers\":{\"X-Team\":\"ops\"},\"events\":[\"*\"],"
                    + "\"retry_config\":{\"max_attempts\":5,\"backoff_multiplier\":2,\"max_delay\":1000}}");
            assertEquals(201, created.status, created.body.toString());
            assertMatchesDocument("WebhookWithSecret", created.body);
            assertEquals("********", created.body.get("headers").get("X-Team").asText(), "header values are not shown");
            String secret = created.body.get("secret").asText();
            assertTrue(secret.startsWith("whsec_"), secret);
            String id = created.body.get("id").asText();
            JsonNode listed = call(first, "GET", "/v1/webhooks", admin, null).body;
            assertFalse(listed.toString().contains(secret), "the secret is shown once");
            assertMatchesDocument("WebhookList", listed);

            Answer test = call(first, "POST", "/v1/webhooks/" + id + "/test", admin, null);
            assertEquals(200, test.status, test.body.toString());
            assertEquals(200, test.body.get("status_code").asInt());
            assertMatchesDocument("WebhookTestResult", test.body);
            assertTrue(test.body.get("success").asBoolean());
            WebhookReceiver.Request received = receiver.requests().get(0);
            assertEquals("/hook", received.path());
            assertEquals("ops", received.headers().get("x-team"));
            assertEquals(test.body.get("delivery_id").asText(), received.headers().get("webhook-id"));
            assertEquals("valid", new StandardWebhooksVerifier().verify(secret, Map.of(
                    "webhook-id", received.headers().get("webhook-id"),
                    "webhook-timestamp", received.headers().get("webhook-timestamp"),
                    "webhook-signature", received.headers().get("webhook-signature")), received.body()));
            assertTrue(new StandardWebhooksVerifier().verify("whsec_" + java.util.Base64.getEncoder()
                    .encodeToString(new byte[32]), Map.of("webhook-id", received.headers().get("webhook-id"),
                    "webhook-timestamp", received.headers().get("webhook-timestamp"),
                    "webhook-signature", received.headers().get("webhook-signature")), received.body())
                    .startsWith("invalid"), "a wrong secret is refused by the reference library");

            String site = "alerts-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(201, call(first, "POST", "/v1/sites", admin, "{\"id\":\"" + site + "\"}").status);
            Answer trigger = call(first, "POST", "/v1/triggers", admin, "{\"name\":\"Meta CAPI failing\",\"site_id\":\""
                    + site + "\",\"container_id\":\"GTM-ABC123\",\"tag\":\"Meta CAPI\",\"conditions\":"
                    + "{\"failure_rate\":{\"greater_than\":0.5},\"min_executions\":3,\"period\":\"5m\"},"
                    + "\"actions\":[{\"type\":\"webhook\",\"webhook_id\":\"" + id + "\"}],\"is_active\":true}");
            assertEquals(201, trigger.status, trigger.body.toString());
            assertTrue(trigger.body.get("is_active").asBoolean());
            assertMatchesDocument("Trigger", trigger.body);
            assertMatchesDocument("TriggerList", call(first, "GET", "/v1/triggers", admin, null).body);
            assertEquals(409, call(first, "DELETE", "/v1/webhooks/" + id, admin, null).status, "used by the trigger");
            Answer badCondition = call(first, "POST", "/v1/triggers", admin, "{\"name\":\"x\",\"site_id\":\"" + site
                    + "\",\"conditions\":{\"failure_rate\":{\"greater_than\":1.5}}}");
            assertEquals(400, badCondition.status);
            assertEquals("conditions.failure_rate.greater_than", badCondition.body.get("field").asText());
            Answer twoMetrics = call(first, "POST", "/v1/triggers", admin, "{\"name\":\"x\",\"site_id\":\"" + site
                    + "\",\"conditions\":{\"timeouts\":{\"at_least\":3},\"tag_missing\":true}}");
            assertEquals("conditions", twoMetrics.body.get("field").asText());
            assertEquals(204, call(first, "DELETE", "/v1/triggers/" + trigger.body.get("id").asText(), admin, null).status);
            assertEquals(204, call(first, "DELETE", "/v1/webhooks/" + id, admin, null).status);
        }
    }

    @Test
    void webhookUrlsToInternalAddressesAreRefusedUnlessAllowed(LocalKafkaBroker broker) throws Exception {
        try (ControlApp strict = new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP",
                broker.bootstrapServers(), "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0")))) {
            for (String url : List.of("http://127.0.0.1:8080/x", "http://169.254.169.254/latest/meta-data",
                    "http://10.0.0.5/", "http://[::1]/", "file:///etc/passwd", "ftp://example.com/")) {
                Answer refused = call(strict, "POST", "/v1/webhooks", admin, "{\"name\":\"n\",\"url\":\"" + url + "\"}");
                assertEquals(400, refused.status, url);
                assertEquals("url", refused.body.get("field").asText(), url);
            }
        }
    }

    @Test
    void theServedDocumentIsOpenApi31AndNamesEveryRoute() throws Exception {
        Answer document = call(first, "GET", "/v1/openapi.json", null, null);
        assertEquals(200, document.status);
        assertEquals("3.1.0", document.body.get("openapi").asText());
        for (String route : List.of("get /v1/sites", "post /v1/sites", "get /v1/sites/{id}", "patch /v1/sites/{id}",
                "delete /v1/sites/{id}", "get /v1/keys", "post /v1/keys", "get /v1/keys/{id}", "delete /v1/keys/{id}",
                "post /v1/keys/{id}/rotate", "get /v1/tokens", "post /v1/tokens", "delete /v1/tokens/{id}",
                "post /v1/auth/rotate-key", "get /v1/events", "get /v1/analytics", "get /v1/analytics/realtime", "get /v1/containers",
                "post /v1/reports", "get /v1/triggers", "post /v1/triggers", "get /v1/triggers/{id}",
                "patch /v1/triggers/{id}", "delete /v1/triggers/{id}", "get /v1/webhooks", "post /v1/webhooks",
                "get /v1/webhooks/{id}", "put /v1/webhooks/{id}", "delete /v1/webhooks/{id}",
                "post /v1/webhooks/{id}/test", "get /v1/webhooks/{id}/logs", "get /v1/executions")) {
            String[] parts = route.split(" ");
            assertTrue(document.body.path("paths").path(parts[1]).has(parts[0]), route + " in the document");
        }
    }

    /** A real answer against the served OpenAPI document's schema of that name. */
    private static void assertMatchesDocument(String schemaName, JsonNode answer) {
        Set<ValidationMessage> errors = SCHEMAS.getSchema(
                SchemaLocation.of("classpath:openapi.json#/components/schemas/" + schemaName)).validate(answer);
        assertEquals(Set.of(), errors, schemaName + ": " + answer);
    }

    private int awaitStatus(ControlApp app, String path, int wanted) throws Exception {
        return awaitStatus(app, path, admin, wanted);
    }

    /** Polls for at most a second: how soon another instance must see a write. */
    private int awaitStatus(ControlApp app, String path, String token, int wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        int status;
        do {
            status = call(app, "GET", path, token, null).status;
        } while (status != wanted && System.nanoTime() < deadline);
        return status;
    }

    record Answer(int status, JsonNode body) {
    }

    private Answer call(ControlApp app, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
    }
}
