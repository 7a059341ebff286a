package io.probr.aggregator.metrics;

import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.Topic;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The aggregator's Prometheus metrics, in a registry of its own. Also the restore listener: it knows which
 * stores are still being restored, which is what readiness needs on top of the Streams state.
 */
public final class AggregatorMetrics implements StateRestoreListener {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter events = Counter.builder()
            .name("probr_aggregator_events_total")
            .help("Per-event payloads counted into a window (on time or as a late correction)")
            .register(registry);
    private final Counter lateEvents = Counter.builder()
            .name("probr_aggregator_late_events_total")
            .help("Events whose window had closed, emitted as a one-event late-<ingest id> correction")
            .register(registry);
    private final Counter windows = Counter.builder()
            .name("probr_aggregator_windows_emitted_total")
            .help("Window records written to probr.windows.v1, by part kind (final, late)")
            .labelNames("part")
            .register(registry);
    private final Counter deadLetters = Counter.builder()
            .name("probr_aggregator_dlq_records_total")
            .help("Records sent to probr.dlq.v1, by reason")
            .labelNames("reason")
            .register(registry);
    private final Gauge streamTimeBehind = Gauge.builder()
            .name("probr_aggregator_stream_time_behind_seconds")
            .help("Wall clock minus the partition's stream time (negative: a tag clock runs ahead), by partition")
            .labelNames("partition")
            .register(registry);
    private final Counter restored = Counter.builder()
            .name("probr_aggregator_restored_records_total")
            .help("Changelog records read back into the state stores since start")
            .register(registry);
    private final Counter threadFailures = Counter.builder()
            .name("probr_aggregator_stream_thread_failures_total")
            .help("Stream threads that failed and were replaced (each resumes from the last committed transaction)")
            .register(registry);
    private final Map<TopicPartition, Long> restoring = new ConcurrentHashMap<>();

    public AggregatorMetrics() {
        GaugeWithCallback.builder()
                .name("probr_aggregator_restore_remaining_records")
                .help("Changelog records still to restore before the aggregator is ready")
                .callback(callback -> callback.call(restoring.values().stream().mapToLong(Long::longValue).sum()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Consumer lag per partition of the per-event topic, read from Kafka Streams' own consumer metrics. */
    public void watchConsumer(Supplier<Map<MetricName, ? extends Metric>> streamsMetrics) {
        GaugeWithCallback.builder()
                .name("probr_aggregator_consumer_lag")
                .help("Records of probr.events.v1 not yet read, by partition this instance owns")
                .labelNames("partition")
                .callback(callback -> streamsMetrics.get().forEach((name, metric) -> {
                    if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                            && Topic.EVENTS.topicName().equals(name.tags().get("topic"))
                            && metric.metricValue() instanceof Double lag && !lag.isNaN()) {
                        callback.call(lag, name.tags().get("partition"));
                    }
                }))
                .register(registry);
    }

    public void eventCounted() {
        events.inc();
    }

    public void lateEvent() {
        lateEvents.inc();
    }

    public void windowEmitted(boolean late) {
        windows.labelValues(late ? "late" : "final").inc();
    }

    public void deadLettered(DeadLetterReason reason) {
        deadLetters.labelValues(reason.code()).inc();
    }

    public void streamTime(int partition, long streamTimeMs, long wallClockMs) {
        streamTimeBehind.labelValues(Integer.toString(partition)).set((wallClockMs - streamTimeMs) / 1000.0);
    }

    public void partitionClosed(int partition) {
        streamTimeBehind.remove(Integer.toString(partition));
    }

    public void threadFailed() {
        threadFailures.inc();
    }

    public long threadFailures() {
        return (long) threadFailures.get();
    }

    public long lateEvents() {
        return (long) lateEvents.get();
    }

    public long deadLetters(DeadLetterReason reason) {
        return (long) deadLetters.labelValues(reason.code()).get();
    }

    /** True while some store is still being restored from its changelog. */
    public boolean isRestoring() {
        return !restoring.isEmpty();
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        restoring.put(partition, Math.max(0, endingOffset - startingOffset));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restored.inc(numRestored);
        restoring.computeIfPresent(partition, (p, remaining) -> Math.max(0, remaining - numRestored));
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.remove(partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        restoring.remove(partition);
    }
}
