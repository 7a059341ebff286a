package io.probr.schemas.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process is alive), {@code /readyz} (it does its work) and Prometheus {@code /metrics}
 * with the JVM's own metrics added, on the JDK's HTTP server: the services behind Kafka serve nothing else.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(String host, int port, BooleanSupplier alive, BooleanSupplier ready, PrometheusRegistry metrics)
            throws IOException {
        withJvmMetrics(metrics);
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/healthz", exchange -> answer(exchange, alive.getAsBoolean()));
        server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean()));
        server.createContext("/metrics", exchange -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(body, metrics.scrape());
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body.toByteArray());
        });
        server.start();
    }

    /** Heap, GC, threads, class loading of this JVM, registered once in {@code registry}. */
    public static PrometheusRegistry withJvmMetrics(PrometheusRegistry registry) {
        JvmMetrics.builder().register(registry);
        return registry;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, boolean ok) throws IOException {
        String body = ok ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\"}";
        send(exchange, ok ? 200 : 503, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
