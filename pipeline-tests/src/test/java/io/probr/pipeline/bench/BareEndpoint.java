package io.probr.pipeline.bench;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;

/**
 * The edge's HTTP ceiling: the same server stack (Javalin 7 on Jetty, same settings) with one POST route
 * that reads the body and answers {@code {"status":"ok"}}. {@code BareEndpoint PORT}; runs until killed.
 */
public final class BareEndpoint {
    private BareEndpoint() {
    }

    public static void main(String[] args) {
        Javalin.create(config -> {
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.startup.showJavalinBanner = false;
            config.routes.post("/ingest", ctx -> {
                ctx.bodyAsBytes();
                ctx.contentType("application/json").result("{\"status\":\"ok\"}");
            });
        }).start("127.0.0.1", Integer.parseInt(args[0]));
    }
}
