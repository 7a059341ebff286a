package io.probr.pipeline.bench;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.probr.stack.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * The edge's HTTP ceiling: the same server stack (Javalin 7 on Jetty, same settings) with one POST route
 * that reads the body and answers {@code {"status":"ok"}}. {@code BareEndpoint PORT}; runs until killed.
 */
public final class BareEndpoint {
    private BareEndpoint() {
    }

    /** Starts one in a JVM of its own on this classpath and returns once it answers. */
    static Process start(int port, Path log) throws Exception {
        Process bare = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), BareEndpoint.class.getName(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        Poll.until("the bare endpoint to answer (see " + log + ")", () -> {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return bare;
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
