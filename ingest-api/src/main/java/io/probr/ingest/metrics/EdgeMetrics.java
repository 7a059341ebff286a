package io.probr.ingest.metrics;

import io.probr.schemas.runtime.HealthServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** The edge's Prometheus metrics, in a registry of its own (no global default registry). */
public final class EdgeMetrics {
    private final PrometheusRegistry registry = HealthServer.withJvmMetrics(new PrometheusRegistry());
    private final Counter requests = Counter.builder()
            .name("probr_edge_requests_total")
            .help("HTTP requests answered, by path and status code")
            .labelNames("path", "status")
            .register(registry);
    private final Histogram publishLatency = Histogram.builder()
            .name("probr_edge_publish_seconds")
            .help("Time from send to the broker's acknowledgement, successful publishes only")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    private final Counter kafkaErrors = Counter.builder()
            .name("probr_edge_kafka_errors_total")
            .help("Publishes that failed or timed out, answered 500")
            .register(registry);

    /**
     * Exposes the producer's own view of the broker, the first thing to read when publishes time out: how long its
     * requests wait for the broker's answer, how long records wait before they are sent, and how many requests
     * are in flight. Kafka's maxima are over its sample window (about a minute).
     */
    public void watchProducer(Supplier<Map<MetricName, ? extends Metric>> producerMetrics) {
        producerGauge(producerMetrics, "probr_edge_kafka_request_latency_max_seconds", "request-latency-max", 1e-3,
                "Longest wait for the broker's answer to a produce request, over the producer's sample window");
        producerGauge(producerMetrics, "probr_edge_kafka_record_queue_time_max_seconds", "record-queue-time-max", 1e-3,
                "Longest time a record waited in the producer before it was sent, over its sample window");
        producerGauge(producerMetrics, "probr_edge_kafka_requests_in_flight", "requests-in-flight", 1,
                "Produce requests sent and not yet answered by the broker");
    }

    private void producerGauge(Supplier<Map<MetricName, ? extends Metric>> producerMetrics, String name,
                               String kafkaName, double scale, String help) {
        GaugeWithCallback.builder().name(name).help(help).callback(gauge -> producerMetrics.get().forEach((id, metric) -> {
            // a max over a window with no sample yet is NaN, and a metric can be non-numeric
            if (id.group().equals("producer-metrics") && id.name().equals(kafkaName)
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                gauge.call(value * scale);
            }
        })).register(registry);
    }

    public void requestAnswered(String path, int status) {
        requests.labelValues(path, Integer.toString(status)).inc();
    }

    public void published(long nanos) {
        publishLatency.observe(nanos / 1e9);
    }

    public void kafkaError() {
        kafkaErrors.inc();
    }

    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
