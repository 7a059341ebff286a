package io.probr.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.probr.ingest.auth.Authenticator;
import io.probr.ingest.auth.RateLimiter;
import io.probr.ingest.kafka.IngestRecords;
import io.probr.ingest.kafka.KafkaPublisher;
import io.probr.ingest.kafka.KafkaReadiness;
import io.probr.ingest.metrics.EdgeMetrics;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.FailedAuthLimiter;
import io.probr.schemas.window.EventTimeRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The edge's HTTP surface: routes, the auth filter, and the one place errors become contract answers. */
public final class EdgeServer {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    private static final ObjectMapper JSON = ProbrJson.newMapper();

    /** What the routes need; built and owned by the caller, which also closes it. */
    public record Dependencies(Authenticator keys, BooleanSupplier keysCurrent, RateLimiter rateLimiter,
                               IngestRecords records, KafkaPublisher publisher, KafkaReadiness readiness,
                               EdgeMetrics metrics,
                               EventTimeRule timeRule, int maxBodyBytes, long publishTimeoutMs,
                               FailedAuthLimiter failedAuth, int maxInFlight, long minBodyBytesPerSecond) {
    }

    private EdgeServer() {
    }

    public static Javalin create(Dependencies deps) {
        return create(deps, config -> { });
    }

    /** With {@code transport} setting how the server listens (HttpListener: TLS, connection limits). */
    public static Javalin create(Dependencies deps, Consumer<JavalinConfig> transport) {
        BodyReader bodies = new BodyReader(deps.maxBodyBytes(), deps.minBodyBytesPerSecond(), System::nanoTime);
        IngestHandler ingest = new IngestHandler(bodies, new PayloadValidator(),
                deps.timeRule(), deps.records(), deps.publisher(), deps.metrics(), deps.publishTimeoutMs(),
                new Semaphore(deps.maxInFlight()));
        AuthFilter auth = new AuthFilter(deps.keys(), deps.rateLimiter(), deps.failedAuth());
        return Javalin.create(config -> {
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            transport.accept(config);
            RefusedKeys refusals = new RefusedKeys(auth, deps.metrics(), deps.maxBodyBytes());
            config.jetty.modifyServletContextHandler(context -> context.insertHandler(refusals));
            // beforeMatched: a wrong method or path is a 404/405, not a demand for a key
            config.routes.beforeMatched("/ingest", auth);
            config.routes.post("/ingest", ingest);
            config.routes.get("/healthz", ctx -> ok(ctx));
            config.routes.get("/readyz", ctx -> {
                if (deps.readiness().isReady() && deps.keysCurrent().getAsBoolean()) {
                    ok(ctx);
                } else {
                    String status = !deps.readiness().hasStarted() ? "starting"
                            : deps.keysCurrent().getAsBoolean() ? "kafka_unreachable" : "keys_not_current";
                    ctx.status(503).contentType("application/json").result("{\"status\":\"" + status + "\"}");
                }
            });
            config.routes.get("/metrics", ctx -> {
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
                deps.metrics().write(ctx.outputStream());
            });
            config.routes.exception(ApiError.class, (e, ctx) -> answer(ctx, e));
            config.routes.exception(CompletionException.class, (e, ctx) -> answer(ctx, e.getCause()));
            config.routes.exception(Exception.class, (e, ctx) -> answer(ctx, e));
            config.routes.after(ctx -> deps.metrics().requestAnswered(pathLabel(ctx), ctx.statusCode()));
        });
    }

    private static void ok(Context ctx) {
        ctx.contentType("application/json").result(IngestHandler.OK_BODY);
    }

    private static void answer(Context ctx, Throwable error) {
        ApiError apiError;
        if (error instanceof ApiError known) {
            apiError = known;
        } else {
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), error);
            apiError = new ApiError(ErrorCode.INTERNAL_ERROR, "unexpected server error; retry");
        }
        if (apiError.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(apiError.retryAfterSeconds()));
        }
        ctx.status(apiError.code().status()).contentType("application/json").result(errorJson(apiError));
    }

    /** The contract's error body: {@code {"error": code, "message": why}}. */
    static String errorJson(ApiError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code().wireName());
        body.put("message", error.getMessage());
        try {
            return JSON.writeValueAsString(body);
        } catch (Exception e) {
            return "{\"error\":\"internal_error\"}";
        }
    }

    /** Known paths only, so a scan of random URLs cannot blow up the metric's label set. */
    private static String pathLabel(Context ctx) {
        return switch (ctx.path()) {
            case "/ingest", "/healthz", "/readyz", "/metrics" -> ctx.path();
            default -> "other";
        };
    }
}
