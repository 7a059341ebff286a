package io.probr.alerting.dispatch;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Incidents by change, delivery attempts by outcome and latency, attempts in flight and retries pending. */
public final class DispatchMetrics {
    private final Counter incidents;
    private final Counter attempts;
    private final Histogram latency;
    private final Gauge inFlight;
    private final Gauge waiting;

    public DispatchMetrics(PrometheusRegistry registry) {
        incidents = Counter.builder().name("probr_alert_incident_changes_total")
                .help("Changes of incidents delivered to the dispatcher, by new status").labelNames("status")
                .register(registry);
        attempts = Counter.builder().name("probr_webhook_attempts_total")
                .help("Webhook delivery attempts, by outcome (success, retrying, failed)").labelNames("outcome")
                .register(registry);
        latency = Histogram.builder().name("probr_webhook_latency_seconds")
                .help("Time from sending a webhook request to its answer (or error)").register(registry);
        inFlight = Gauge.builder().name("probr_webhook_attempts_in_flight")
                .help("Webhook requests sent and not yet answered").register(registry);
        waiting = Gauge.builder().name("probr_webhook_retries_pending")
                .help("Deliveries waiting for their next attempt").register(registry);
    }

    void waitingForRetry(int delta) {
        waiting.inc(delta);
    }

    void incidentChanged(String status) {
        incidents.labelValues(status).inc();
    }

    void attempted(String outcome, long latencyMs) {
        attempts.labelValues(outcome).inc();
        latency.observe(latencyMs / 1000.0);
    }

    void pending(int delta) {
        inFlight.inc(delta);
    }
}
