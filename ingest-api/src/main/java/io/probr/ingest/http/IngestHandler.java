package io.probr.ingest.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.probr.ingest.auth.ApiKey;
import io.probr.ingest.kafka.IngestRecords;
import io.probr.ingest.kafka.KafkaPublisher;
import io.probr.ingest.metrics.EdgeMetrics;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.window.EventTimeRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ingest}: read, validate, publish, and answer 200 only once the broker acknowledged. The
 * answer comes at most {@code publishTimeoutMs} after arrival, below the tag's own 5 s timeout: 500 then.
 * At most {@code inFlight}'s permits of requests are in hand at once; beyond, the edge is past its capacity and
 * answers 429 at once (the tag waits for Retry-After) rather than queueing requests into the publish timeout.
 */
final class IngestHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    static final String OK_BODY = "{\"status\":\"ok\"}";

    private final BodyReader bodyReader;
    private final PayloadValidator validator;
    private final EventTimeRule timeRule;
    private final IngestRecords records;
    private final KafkaPublisher publisher;
    private final EdgeMetrics metrics;
    private final long publishTimeoutMs;
    private final Semaphore inFlight;

    IngestHandler(BodyReader bodyReader, PayloadValidator validator, EventTimeRule timeRule, IngestRecords records,
                  KafkaPublisher publisher, EdgeMetrics metrics, long publishTimeoutMs, Semaphore inFlight) {
        this.bodyReader = bodyReader;
        this.validator = validator;
        this.timeRule = timeRule;
        this.records = records;
        this.publisher = publisher;
        this.metrics = metrics;
        this.publishTimeoutMs = publishTimeoutMs;
        this.inFlight = inFlight;
    }

    @Override
    public void handle(Context ctx) {
        if (!inFlight.tryAcquire()) {
            throw ApiError.rateLimited(1, "the edge is at capacity");
        }
        boolean handedOver = false;
        try {
            handedOver = handleInFlight(ctx);
        } finally {
            if (!handedOver) {
                inFlight.release();
            }
        }
    }

    /** Returns once the publish is under way, whose completion releases the permit. */
    private boolean handleInFlight(Context ctx) {
        long receivedAtMs = System.currentTimeMillis();
        long startedAt = System.nanoTime();
        ApiKey key = ctx.attribute(AuthFilter.KEY_ATTRIBUTE);
        if (!JsonContentType.isJson(ctx.contentType())) {
            throw new ApiError(ErrorCode.INVALID_PAYLOAD, "Content-Type must be application/json");
        }
        byte[] body = bodyReader.read(ctx.header("Content-Encoding"), ctx.req().getContentLengthLong(),
                ctx.bodyInputStream());
        ProducerRecord<byte[], byte[]> record = toRecord(validator.parse(body), body, key, receivedAtMs);
        long sentAt = System.nanoTime();
        // the budget runs from arrival, so time spent blocked in send() counts against it too
        long remainingMs = Math.max(1, publishTimeoutMs - TimeUnit.NANOSECONDS.toMillis(sentAt - startedAt));
        CompletableFuture<Object> answered = publisher.publish(record)
                .orTimeout(remainingMs, TimeUnit.MILLISECONDS)
                .handle((metadata, error) -> {
                    if (error != null) {
                        metrics.kafkaError();
                        log.warn("publish to {} failed, answering 500: {}", record.topic(), error.toString());
                        throw new ApiError(ErrorCode.INTERNAL_ERROR, "the event could not be stored; retry");
                    }
                    metrics.published(System.nanoTime() - sentAt);
                    ctx.contentType("application/json").result(OK_BODY);
                    return null;
                });
        answered.whenComplete((ignored, error) -> inFlight.release());
        ctx.future(() -> answered);
        return true;
    }

    private ProducerRecord<byte[], byte[]> toRecord(ParsedPayload parsed, byte[] body, ApiKey key, long receivedAtMs) {
        if (parsed instanceof ParsedPayload.Invalid invalid) {
            throw new ApiError(ErrorCode.INVALID_PAYLOAD, String.join("; ", invalid.errors()));
        }
        if (parsed instanceof ParsedPayload.Batched batched) {
            trusted(timeRule.check(batched.payload(), receivedAtMs));
            String containerId = allowed(key, batched.payload().containerId());
            return records.batched(containerId, body, key, receivedAtMs);
        }
        PerEventPayload event = ((ParsedPayload.PerEvent) parsed).payload();
        trusted(timeRule.check(event, receivedAtMs));
        String containerId = allowed(key, event.containerId());
        return records.perEvent(containerId, body, key, receivedAtMs);
    }

    /** Past times are late corrections downstream; only a time ahead of this clock is refused. */
    private static void trusted(EventTimeRule.Violation violation) {
        if (violation != null) {
            throw new ApiError(ErrorCode.INVALID_PAYLOAD, violation.message());
        }
    }

    private static String allowed(ApiKey key, String containerId) {
        if (!key.allowsContainer(containerId)) {
            throw new ApiError(ErrorCode.FORBIDDEN, "this key may not post for container " + containerId);
        }
        return containerId;
    }
}
