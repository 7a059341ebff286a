package io.probr.control.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.probr.control.http.ApiError;
import io.probr.control.http.ErrorCode;
import io.probr.control.http.JsonBody;
import io.probr.schemas.alert.BodyTemplate;
import io.probr.schemas.alert.UrlPolicy;
import io.probr.schemas.alert.WebhookCall;
import io.probr.schemas.alert.WebhookSignature;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.config.Webhook;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Webhooks (EchoTag's): created with a signing secret shown once, replaced, deleted, and called on demand. */
public final class Webhooks {
    public static final Set<String> FIELDS = Set.of("name", "url", "method", "headers", "events", "is_active",
            "retry_config", "body", "version");
    static final Set<String> EVENTS = Set.of("alert.firing", "alert.resolved", "webhook.test", "*");
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    /** Set by Probr, or refused by the HTTP client: a webhook cannot choose them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "host", "connection", "expect", "upgrade", "transfer-encoding", "user-agent");

    private final ConfigView view;
    private final ConfigWriter writer;
    private final Clock clock;
    private final UrlPolicy urls;
    private final WebhookCall call;
    private final SecureRandom random = new SecureRandom();

    public Webhooks(ConfigView view, ConfigWriter writer, Clock clock, UrlPolicy urls, WebhookCall call) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
        this.urls = urls;
        this.call = call;
    }

    public List<Map<String, Object>> list() {
        return view.all(ConfigKind.WEBHOOK, Webhook.class).stream().map(Webhooks::describe).toList();
    }

    public Map<String, Object> get(String id) {
        return describe(find(id));
    }

    public Webhook find(String id) {
        return view.get(ConfigKind.WEBHOOK, id, Webhook.class).orElseThrow(() -> ApiError.notFound("webhook " + id));
    }

    public Map<String, Object> create(JsonBody body) throws ConfigConflictException, InterruptedException {
        String now = clock.instant().toString();
        String secret = WebhookSignature.newSecret(random);
        Webhook webhook = read(body, "wh_" + randomHex(), secret, now, now, 1);
        Map<String, Object> answer = describe(writer.put(webhook, OptionalLong.empty()));
        answer.put("secret", secret);
        return answer;
    }

    /** PUT: the whole webhook again; its secret and creation time stay. */
    public Map<String, Object> replace(String id, JsonBody body) throws ConfigConflictException, InterruptedException {
        Webhook current = find(id);
        long expected = body.integer("version", 1, Long.MAX_VALUE).orElse(current.version());
        Webhook replaced = read(body, id, current.secret(), current.createdAt(), clock.instant().toString(), expected + 1);
        return describe(writer.put(replaced, OptionalLong.of(expected)));
    }

    public void delete(String id) throws ConfigConflictException, InterruptedException {
        Webhook current = find(id);
        for (Trigger trigger : view.all(ConfigKind.TRIGGER, Trigger.class)) {
            if (trigger.actions().stream().anyMatch(a -> id.equals(a.webhookId()))) {
                throw new ApiError(ErrorCode.CONFLICT, "webhook " + id + " is used by trigger " + trigger.id()
                        + "; change the trigger first");
            }
        }
        writer.delete(current.key(), current.version());
    }

    /** Sends a {@code webhook.test} delivery now and reports what the receiver answered. */
    public Map<String, Object> test(String id) {
        Webhook webhook = find(id);
        String deliveryId = "msg_" + UUID.randomUUID();
        String at = clock.instant().toString();
        String payload = webhook.body() == null
                ? "{\"type\":\"webhook.test\",\"timestamp\":\"" + at + "\",\"data\":{\"webhook_id\":\"" + id + "\"}}"
                : BodyTemplate.render(webhook.body(), Map.of("event", "webhook.test", "status", "test"));
        WebhookCall.Outcome outcome = call.send(webhook, deliveryId, payload);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("delivery_id", deliveryId);
        answer.put("success", outcome.succeeded());
        answer.put("status_code", outcome.status() == 0 ? null : outcome.status());
        answer.put("error", outcome.error());
        answer.put("latency_ms", outcome.latencyMs());
        answer.put("response_body", outcome.bodyPrefix());
        return answer;
    }

    private Webhook read(JsonBody body, String id, String secret, String createdAt, String updatedAt, long version) {
        String name = body.requiredString("name", 200, Validation.LABEL, Validation.LABEL_HINT);
        String url = body.requiredString("url", 2048, null, null);
        urls.refusal(url).ifPresent(why -> {
            throw ApiError.invalid("url", why);
        });
        String method = body.string("method", 10, null, null).map(m -> m.toUpperCase(Locale.ROOT)).orElse("POST");
        if (!METHODS.contains(method)) {
            throw ApiError.invalid("method", "must be one of " + METHODS);
        }
        List<String> events = body.strings("events", 4, 32, null, "an event name").orElse(List.of("*"));
        for (String event : events) {
            if (!EVENTS.contains(event)) {
                throw ApiError.invalid("events", "unknown event " + event + "; expected any of " + EVENTS);
            }
        }
        String template = body.string("body", 16_384, null, null).orElse(null);
        if (template != null) {
            BodyTemplate.unknownPlaceholder(template).ifPresent(p -> {
                throw ApiError.invalid("body", "unknown placeholder {{" + p + "}}; known: " + BodyTemplate.PLACEHOLDERS);
            });
        }
        return new Webhook(id, name, url, method, headers(body.raw("headers")), events,
                body.bool("is_active").orElse(true), retryConfig(body.raw("retry_config")), template, secret,
                createdAt, updatedAt, version);
    }

    private static Map<String, String> headers(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject() || node.size() > 20) {
            throw ApiError.invalid("headers", "must be an object of at most 20 string headers");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            if (!HEADER_NAME.matcher(name).matches() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiError.invalid("headers." + name, "not a header a webhook may set");
            }
            JsonNode value = header.getValue();
            if (!value.isTextual() || value.textValue().length() > 4096 || value.textValue().chars().anyMatch(c -> c < 0x20)) {
                throw ApiError.invalid("headers." + name, "must be a string of printable characters");
            }
            headers.put(name, value.textValue());
        }
        return headers;
    }

    private static Webhook.RetryConfig retryConfig(JsonNode node) {
        if (node == null || node.isNull()) {
            return Webhook.RetryConfig.DEFAULT;
        }
        if (!node.isObject()) {
            throw ApiError.invalid("retry_config", "must be an object with max_attempts, backoff_multiplier, max_delay");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("max_attempts", "backoff_multiplier", "max_delay").contains(name)) {
                throw ApiError.invalid("retry_config." + name, "unknown; expected max_attempts, backoff_multiplier, max_delay");
            }
        }
        Webhook.RetryConfig d = Webhook.RetryConfig.DEFAULT;
        int attempts = (int) integer(node, "max_attempts", d.maxAttempts(), 1, 20);
        double multiplier = node.has("backoff_multiplier") ? node.get("backoff_multiplier").asDouble(-1) : d.backoffMultiplier();
        if (!node.path("backoff_multiplier").isMissingNode() && (!node.get("backoff_multiplier").isNumber()
                || multiplier < 1 || multiplier > 10)) {
            throw ApiError.invalid("retry_config.backoff_multiplier", "must be a number from 1 to 10");
        }
        long maxDelay = integer(node, "max_delay", d.maxDelay(), 100, 3_600_000);
        return new Webhook.RetryConfig(attempts, multiplier, maxDelay);
    }

    private static long integer(JsonNode node, String field, long fallback, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw ApiError.invalid("retry_config." + field, "must be an integer from " + min + " to " + max);
        }
        return value.asLong();
    }

    /** Everything but the secret. */
    static Map<String, Object> describe(Webhook webhook) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", webhook.id());
        out.put("name", webhook.name());
        out.put("url", webhook.url());
        out.put("method", webhook.method());
        // values often carry the receiver's credentials: names only, like a secret
        Map<String, String> headers = new LinkedHashMap<>();
        webhook.headers().keySet().forEach(name -> headers.put(name, "********"));
        out.put("headers", headers);
        out.put("events", webhook.events());
        out.put("is_active", webhook.active());
        Map<String, Object> retry = new LinkedHashMap<>();
        retry.put("max_attempts", webhook.retryConfig().maxAttempts());
        retry.put("backoff_multiplier", webhook.retryConfig().backoffMultiplier());
        retry.put("max_delay", webhook.retryConfig().maxDelay());
        out.put("retry_config", retry);
        out.put("body", webhook.body());
        out.put("created_at", webhook.createdAt());
        out.put("updated_at", webhook.updatedAt());
        out.put("version", webhook.version());
        return out;
    }

    private String randomHex() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
