package io.probr.sink.metrics;

import io.probr.schemas.topic.DeadLetterReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/** The sink's Prometheus metrics, in a registry of its own. */
public final class SinkMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter rowsWritten = Counter.builder()
            .name("probr_sink_rows_written_total")
            .help("Rows ClickHouse accepted, by table (a retried batch counts again)")
            .labelNames("table")
            .register(registry);
    private final Counter recordsConsumed = Counter.builder()
            .name("probr_sink_records_total")
            .help("Kafka records read, by topic")
            .labelNames("topic")
            .register(registry);
    private final Histogram insertLatency = Histogram.builder()
            .name("probr_sink_insert_seconds")
            .help("Time to insert one flushed batch into all tables, successful flushes only")
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    private final Counter insertFailures = Counter.builder()
            .name("probr_sink_insert_failures_total")
            .help("Flushes that failed (ClickHouse or Kafka unavailable) and will be retried")
            .register(registry);
    private final Counter deadLetters = Counter.builder()
            .name("probr_sink_dlq_records_total")
            .help("Records sent to the DLQ because they cannot be mapped to rows, by source topic and reason")
            .labelNames("topic", "reason")
            .register(registry);
    private final Gauge lag = Gauge.builder()
            .name("probr_sink_consumer_lag")
            .help("Records not yet read, by topic, summed over the partitions this sink owns")
            .labelNames("topic")
            .register(registry);
    private final Gauge bufferedRows = Gauge.builder()
            .name("probr_sink_buffered_rows")
            .help("Rows read and waiting for the next flush")
            .register(registry);

    public void consumed(String topic, int records) {
        recordsConsumed.labelValues(topic).inc(records);
    }

    public void flushed(Map<String, Integer> rowsByTable, long nanos) {
        rowsByTable.forEach((table, rows) -> rowsWritten.labelValues(table).inc(rows));
        insertLatency.observe(nanos / 1e9);
    }

    public void flushFailed() {
        insertFailures.inc();
    }

    public void deadLettered(String topic, DeadLetterReason reason) {
        deadLetters.labelValues(topic, reason.code()).inc();
    }

    public void lag(String topic, long records) {
        lag.labelValues(topic).set(records);
    }

    public void buffered(int rows) {
        bufferedRows.set(rows);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
