package io.probr.alerting.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.alerting.AlertTransition;
import io.probr.schemas.alert.BodyTemplate;
import io.probr.schemas.alert.WebhookCall;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.config.Webhook;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.topic.Topic;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the changes of incidents to their webhooks. Each webhook has its own lane (one thread), so a slow or
 * dead receiver delays only its own deliveries. A record's offset is committed once every delivery it caused is
 * over (succeeded, or failed for good), and every attempt is logged as soon as it is answered: a dispatcher
 * killed in between reads the record again, finds the attempts in the log and carries on from the next one,
 * under the same delivery id (an attempt answered but not yet logged is sent again).
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    public static final String GROUP = "probr-alert-dispatcher";
    private static final int MAX_IN_FLIGHT = 1000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfigView config;
    private final WebhookCall call;
    private final DeliveryLog deliveryLog;
    private final Backoff backoff;
    private final Clock clock;
    private final DispatchMetrics metrics;
    private final PendingOffsets pending = new PendingOffsets();
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    public Dispatcher(KafkaSettings kafka, ConfigView config, WebhookCall call, DeliveryLog deliveryLog, Backoff backoff,
                      Clock clock, DispatchMetrics metrics) {
        Map<String, Object> settings = kafka.client();
        settings.put("group.id", GROUP);
        settings.put("isolation.level", "read_committed");
        settings.put("enable.auto.commit", "false");
        settings.put("auto.offset.reset", "earliest");
        // few records a poll: logging an incident change can take seconds when ClickHouse is slow
        settings.put("max.poll.records", 20);
        settings.put("partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        // a crashed dispatcher's partitions go to its successor after 10 s, not the default 45
        settings.put("session.timeout.ms", 10_000);
        settings.put("heartbeat.interval.ms", 3_000);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.config = config;
        this.call = call;
        this.deliveryLog = deliveryLog;
        this.backoff = backoff;
        this.clock = clock;
        this.metrics = metrics;
        this.poller = new Thread(this::poll, "alert-dispatcher");
    }

    public Dispatcher start() {
        poller.start();
        return this;
    }

    public boolean isRunning() {
        return running && poller.isAlive();
    }

    private void poll() {
        try {
            consumer.subscribe(List.of(Topic.ALERTS.topicName()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit();
                    pending.revoked(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            while (running) {
                if (pending.inFlight() >= MAX_IN_FLIGHT) {
                    consumer.pause(consumer.assignment());
                } else {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    dispatch(record);
                }
                commit();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("dispatcher stopped: {}", e.toString(), e);
        } finally {
            running = false;
            commit();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        AlertTransition transition;
        try {
            transition = JSON.readValue(record.value(), AlertTransition.class);
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable alert record at {}:{} skipped: {}", partition, record.offset(), e.getMessage());
            pending.read(partition, record.offset(), 0);
            return;
        }
        try {
            deliveryLog.execution(transition);
        } catch (IOException e) {
            log.warn("incident change {} not logged to ClickHouse: {}", transition.transitionId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        metrics.incidentChanged(transition.status());
        List<Webhook> targets = new ArrayList<>();
        for (String webhookId : transition.webhookIds()) {
            config.get(ConfigKind.WEBHOOK, webhookId, Webhook.class)
                    .filter(w -> w.active() && w.wants(transition.event()))
                    .ifPresent(targets::add);
        }
        long generation = pending.read(partition, record.offset(), targets.size());
        for (Webhook webhook : targets) {
            String deliveryId = "msg_"
                    + KeyCodec.sha256Hex(transition.transitionId() + "/" + webhook.id()).substring(0, 32);
            lanes.computeIfAbsent(webhook.id(), id -> Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "webhook-" + id);
                t.setDaemon(true);
                return t;
            })).execute(() -> {
                if (deliver(webhook.id(), deliveryId, transition)) {
                    pending.delivered(partition, record.offset(), generation);
                } // else stopped midway: the offset stays uncommitted and the delivery resumes after a restart
            });
        }
    }

    /**
     * Every attempt the webhook's retry configuration allows, from the one after the last logged; true once the
     * delivery is over (succeeded, failed for good, or its webhook deleted or paused), false if stopped midway.
     */
    private boolean deliver(String webhookId, String deliveryId, AlertTransition transition) {
        DeliveryLog.Progress progress;
        try {
            progress = deliveryLog.progress(webhookId, deliveryId);
        } catch (IOException e) {
            log.warn("could not read delivery {}'s progress; starting at the first attempt: {}", deliveryId, e.getMessage());
            progress = new DeliveryLog.Progress(0, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (progress.finished()) {
            return true;
        }
        for (int attempt = progress.lastAttempt() + 1; running; attempt++) {
            Webhook webhook = config.get(ConfigKind.WEBHOOK, webhookId, Webhook.class).orElse(null);
            if (webhook == null || !webhook.active()) {
                return true; // deleted or paused meanwhile
            }
            metrics.pending(+1);
            long started = clock.millis();
            WebhookCall.Outcome outcome = call.send(webhook, deliveryId, body(webhook, transition));
            metrics.pending(-1);
            boolean last = outcome.succeeded() || !outcome.retryable() || attempt >= webhook.retryConfig().maxAttempts();
            long delay = last ? 0 : backoff.delayAfter(attempt, webhook.retryConfig(), outcome.retryAfterSeconds());
            String result = outcome.succeeded() ? "success" : last ? "failed" : "retrying";
            metrics.attempted(result, outcome.latencyMs());
            try {
                deliveryLog.attempt(new DeliveryLog.Attempt(deliveryId, attempt, webhookId, transition, started,
                        outcome.status(), outcome.error(), outcome.latencyMs(), outcome.bodyPrefix(), result,
                        last ? 0 : clock.millis() + delay));
            } catch (IOException e) {
                log.warn("attempt {} of delivery {} not logged: {}", attempt, deliveryId, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (last) {
                log.info("delivery {} of {} to {}: {} after {} attempt(s)", deliveryId, transition.event(), webhookId,
                        result, attempt);
                return true;
            }
            metrics.waitingForRetry(+1);
            try {
                Thread.sleep(delay); // this webhook's lane only: waiting for its next attempt is the point
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                metrics.waitingForRetry(-1);
            }
        }
        return false;
    }

    /** The webhook's template, or the documented JSON body (Standard Webhooks' {type, timestamp, data}). */
    static String body(Webhook webhook, AlertTransition t) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("event", t.event());
        values.put("trigger", t.triggerName());
        values.put("trigger_id", t.triggerId());
        values.put("container", t.containerId());
        values.put("tag", t.tag() == null ? "" : t.tag());
        values.put("metric", t.metric());
        values.put("value", number(t.value()));
        values.put("threshold", number(t.threshold()));
        values.put("window_start", Instant.ofEpochMilli(t.windowStartMs()).toString());
        values.put("window_end", Instant.ofEpochMilli(t.windowEndMs()).toString());
        values.put("incident_id", t.incidentId());
        values.put("status", t.status());
        if (webhook.body() != null) {
            return BodyTemplate.render(webhook.body(), values);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("incident_id", t.incidentId());
        data.put("status", t.status());
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("id", t.triggerId());
        trigger.put("name", t.triggerName() == null ? "" : t.triggerName());
        data.put("trigger", trigger);
        data.put("site_id", t.siteId());
        data.put("container_id", t.containerId());
        data.put("tag", t.tag());
        data.put("metric", t.metric());
        data.put("value", t.value());
        data.put("threshold", t.threshold());
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("start", values.get("window_start"));
        window.put("end", values.get("window_end"));
        data.put("window", window);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", t.event());
        body.put("timestamp", Instant.ofEpochMilli(t.atMs()).toString());
        body.put("data", data);
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(Math.round(value * 10_000) / 10_000.0);
    }

    private void commit() {
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = pending.toCommit();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            pending.committed(offsets);
        } catch (RuntimeException e) {
            log.warn("offsets not committed (read again later): {}", e.toString());
        }
    }


    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5000);
        lanes.values().forEach(ExecutorService::shutdownNow);
    }
}
