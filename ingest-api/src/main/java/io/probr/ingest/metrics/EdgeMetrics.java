package io.probr.ingest.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/** The edge's Prometheus metrics, in a registry of its own (no global default registry). */
public final class EdgeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
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
