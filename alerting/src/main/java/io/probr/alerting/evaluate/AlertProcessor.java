package io.probr.alerting.evaluate;

import static io.probr.alerting.evaluate.StoreJson.json;
import static io.probr.alerting.evaluate.StoreJson.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.alerting.AlertTransition;
import io.probr.schemas.alert.Condition;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.config.Trigger;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.ParsedPayload;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.topic.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each container's recent windows, evaluates the triggers that watch it whenever a window arrives (and on
 * the wall clock, for silence), and writes one record per change of an incident. The stores and the output
 * commit together (exactly once), so a restart neither repeats nor loses a change.
 */
public final class AlertProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    public static final String WINDOW_STORE = "alert-windows";
    public static final String CONTAINER_STORE = "alert-containers";
    public static final String INCIDENT_STORE = "alert-incidents";
    private static final Logger log = LoggerFactory.getLogger(AlertProcessor.class);
    private static final ObjectMapper JSON = ProbrJson.newMapper();
    private static final char SEPARATOR = '\u0000';

    private final TriggerSource config;
    private final long tickMs;
    private final LongSupplier wallClock;
    private final PayloadValidator validator = new PayloadValidator();
    private long startedAtMs;
    private ProcessorContext<byte[], byte[]> context;
    private HistoryStore histories;
    private KeyValueStore<String, byte[]> incidents;

    public AlertProcessor(TriggerSource config, long tickMs, LongSupplier wallClock) {
        this.config = config;
        this.tickMs = tickMs;
        this.wallClock = wallClock;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        histories = new HistoryStore(context.getStateStore(WINDOW_STORE), context.getStateStore(CONTAINER_STORE));
        incidents = context.getStateStore(INCIDENT_STORE);
        startedAtMs = wallClock.getAsLong();
        context.schedule(Duration.ofMillis(tickMs), PunctuationType.WALL_CLOCK_TIME, t -> onWallClock());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String container = new String(record.key(), StandardCharsets.UTF_8);
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(Topic.WINDOWS.topicName());
        boolean stream = !Topic.BATCHES.topicName().equals(topic);
        BatchedPayload window = stream ? window(record.value()) : batch(record.value());
        if (window == null) {
            return; // the sink dead-letters what cannot be read; alerting only skips it
        }
        // a tag batch is kept on its own, by its record's position (the same on a reprocessing)
        String batchId = stream ? null : context.recordMetadata().map(m -> m.partition() + ":" + m.offset())
                .orElse(Long.toString(record.timestamp()));
        HistoryStore.Container state = histories.add(container, WindowSummary.of(window), batchId,
                wallClock.getAsLong());
        List<Active> watching = new ArrayList<>();
        long lookbackMs = 0;
        for (Active active : active(false)) {
            if (config.watches(active.trigger(), container)) {
                watching.add(active);
                // tag_missing looks two periods back
                lookbackMs = Math.max(lookbackMs, 2 * active.condition().periodMs());
            }
        }
        if (watching.isEmpty()) {
            return;
        }
        ContainerHistory history = histories.history(container, state, lookbackMs);
        for (Active active : watching) {
            apply(active.trigger(), active.condition(), container, Evaluator.evaluate(active.condition(),
                    active.trigger().tag(), history, history.latestEndMs(), openTags(active.trigger(), container)));
        }
    }

    /** A trigger in force and its parsed condition. */
    private record Active(Trigger trigger, Condition condition) {
    }

    /** The triggers in force, conditions parsed once: the silence ({@code no_events}) ones, or all the others. */
    private List<Active> active(boolean silence) {
        List<Active> active = new ArrayList<>();
        for (Trigger trigger : config.all()) {
            Condition condition = conditionOf(trigger);
            if (condition != null && (condition.metric() == Condition.Metric.NO_EVENTS) == silence) {
                active.add(new Active(trigger, condition));
            }
        }
        return active;
    }

    /** Silence ({@code no_events}) is judged on the wall clock; incidents of deleted triggers are dropped. */
    private void onWallClock() {
        long now = wallClock.getAsLong();
        List<Active> silenceTriggers = active(true);
        histories.forEachContainer((container, state) -> {
            for (Active silence : silenceTriggers) {
                if (config.watches(silence.trigger(), container)) {
                    // a container is not silent for the time alerting itself was down: count from its start
                    ContainerHistory heard = new ContainerHistory(container, List.of(), state.latestEndMs(),
                            Math.max(state.lastSeenMs(), startedAtMs));
                    apply(silence.trigger(), silence.condition(), container,
                            Evaluator.evaluate(silence.condition(), null, heard, now, Set.of()));
                }
            }
            if (state.lastSeenMs() < now - HistoryStore.KEPT_MS) {
                histories.forget(container);
            }
        });
        dropIncidentsOfRemovedTriggers();
    }

    private void apply(Trigger trigger, Condition condition, String container, List<Verdict> verdicts) {
        for (Verdict verdict : verdicts) {
            String key = trigger.id() + SEPARATOR + container + SEPARATOR + verdict.tag();
            byte[] stored = incidents.get(key);
            Incident last = stored == null ? null : read(stored, Incident.class);
            boolean open = last != null && last.open();
            if (verdict.state() == Verdict.State.BREACHED && !open) {
                long sequence = last == null ? 1 : last.sequence() + 1;
                String incidentId = "inc_" + KeyCodec.sha256Hex(key + SEPARATOR + sequence).substring(0, 20);
                incidents.put(key, json(new Incident(incidentId, sequence, true, trigger.version(),
                        verdict.windowEndMs(), verdict.value())));
                emit(trigger, condition, container, verdict, incidentId, AlertTransition.FIRING);
            } else if (verdict.state() == Verdict.State.HEALTHY && open) {
                incidents.put(key, json(new Incident(last.incidentId(), last.sequence(), false, last.triggerVersion(),
                        last.firingSinceMs(), verdict.value())));
                emit(trigger, condition, container, verdict, last.incidentId(), AlertTransition.RESOLVED);
            }
        }
    }

    private void emit(Trigger trigger, Condition condition, String container, Verdict verdict, String incidentId,
                      String status) {
        AlertTransition transition = new AlertTransition(incidentId + "-" + status, incidentId, "alert." + status, status,
                trigger.id(), trigger.name(), trigger.siteId(), container,
                verdict.tag().equals(Evaluator.CONTAINER) ? null : verdict.tag(), condition.metric().wireName(),
                verdict.value(), condition.threshold(), verdict.windowStartMs(), verdict.windowEndMs(),
                wallClock.getAsLong(), trigger.actions().stream().map(Trigger.Action::webhookId).toList());
        log.info("incident {} {}: trigger {} on {}{} ({} = {})", incidentId, status, trigger.id(), container,
                transition.tag() == null ? "" : " / " + transition.tag(), transition.metric(), verdict.value());
        context.forward(new Record<>(incidentId.getBytes(StandardCharsets.UTF_8), json(transition),
                transition.atMs()));
    }

    private Set<String> openTags(Trigger trigger, String container) {
        Set<String> tags = new HashSet<>();
        String prefix = trigger.id() + SEPARATOR + container + SEPARATOR;
        try (KeyValueIterator<String, byte[]> it = incidents.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (read(entry.value, Incident.class).open()) {
                    tags.add(entry.key.substring(prefix.length()));
                }
            }
        }
        return tags;
    }

    /**
     * Incidents of a trigger deleted, paused or changed since they opened, or of a container the trigger no longer
     * watches, are dropped without a notification: the trigger they answered to is gone.
     */
    private void dropIncidentsOfRemovedTriggers() {
        List<String> orphans = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = incidents.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                String[] parts = entry.key.split(String.valueOf(SEPARATOR), -1);
                Incident incident = read(entry.value, Incident.class);
                boolean current = config.byId(parts[0])
                        .filter(t -> t.version() == incident.triggerVersion() && config.watches(t, parts[1]))
                        .isPresent();
                if (!current) {
                    orphans.add(entry.key);
                }
            }
        }
        orphans.forEach(incidents::delete);
    }

    private static Condition conditionOf(Trigger trigger) {
        try {
            return trigger.active() ? trigger.condition() : null;
        } catch (IllegalArgumentException e) {
            return null; // written by a newer version, or by hand: the API refuses an invalid one
        }
    }

    private BatchedPayload window(byte[] value) {
        try {
            return JSON.readValue(value, BatchedPayload.class);
        } catch (IOException e) {
            return null;
        }
    }

    private BatchedPayload batch(byte[] value) {
        ParsedPayload parsed = validator.parse(value);
        return parsed instanceof ParsedPayload.Batched batched ? batched.payload() : null;
    }
}
