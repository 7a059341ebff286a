package io.probr.schemas.alert;

import io.probr.schemas.config.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One signed attempt at a delivery: the request as the webhook describes it, bounded in time, and what came
 * back. Used by the dispatcher and by the API's test call, so both send exactly the same thing.
 */
public final class WebhookCall {
    public static final int BODY_PREFIX_BYTES = 1024;

    /** What an attempt gave: a status (0 when none came back), or an error; the latency; the body's start. */
    public record Outcome(int status, String error, long latencyMs, String bodyPrefix, Long retryAfterSeconds) {

        public boolean succeeded() {
            return status >= 200 && status < 300;
        }

        /** Network errors, timeouts, 408, 429 and 5xx are worth another attempt; other answers are final. */
        public boolean retryable() {
            return status == 0 || status == 408 || status == 429 || status >= 500;
        }
    }

    private final HttpClient client;
    private final Duration responseTimeout;
    private final UrlPolicy urls;
    private final Clock clock;

    public WebhookCall(Duration connectTimeout, Duration responseTimeout, UrlPolicy urls, Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.responseTimeout = responseTimeout;
        this.urls = urls;
        this.clock = clock;
    }

    public Outcome send(Webhook webhook, String deliveryId, String body) {
        Optional<String> refused = urls.refusal(webhook.url());
        if (refused.isPresent()) {
            return new Outcome(0, "url refused: " + refused.get(), 0, null, null);
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.url()))
                .timeout(responseTimeout)
                .method(webhook.method() == null ? "POST" : webhook.method(),
                        HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        webhook.headers().forEach(request::header);
        request.header("Content-Type", "application/json")
                .header("User-Agent", "Probr-Webhooks/1")
                .header("webhook-id", deliveryId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(webhook.secret(), deliveryId, timestamp, body));
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            long latency = (System.nanoTime() - start) / 1_000_000;
            byte[] answer = response.body();
            String prefix = new String(answer, 0, Math.min(answer.length, BODY_PREFIX_BYTES), StandardCharsets.UTF_8);
            Long retryAfter = response.headers().firstValue("Retry-After").flatMap(WebhookCall::seconds).orElse(null);
            return new Outcome(response.statusCode(), null, latency, prefix, retryAfter);
        } catch (HttpTimeoutException e) {
            return new Outcome(0, "timeout after " + responseTimeout.toMillis() + " ms",
                    (System.nanoTime() - start) / 1_000_000, null, null);
        } catch (IOException e) {
            return new Outcome(0, "network error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), (System.nanoTime() - start) / 1_000_000, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, "interrupted", (System.nanoTime() - start) / 1_000_000, null, null);
        }
    }

    private static Optional<Long> seconds(String value) {
        try {
            return Optional.of(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: fall back on the backoff
        }
    }
}
