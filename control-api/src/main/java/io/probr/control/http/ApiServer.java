package io.probr.control.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.probr.control.clickhouse.ClickHouseUnavailableException;
import io.probr.control.config.Keys;
import io.probr.control.config.Sites;
import io.probr.control.config.Tokens;
import io.probr.control.config.Triggers;
import io.probr.control.config.Webhooks;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.FailedAuthLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code /v1} routes: thin handlers over {@link Sites}, {@link Keys}, {@link Tokens} and {@link Reads}. */
public final class ApiServer {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    static final ObjectMapper JSON = ProbrJson.newMapper().setSerializationInclusion(JsonInclude.Include.ALWAYS);

    /** What the routes need; built and owned by the caller. */
    public record Dependencies(Sites sites, Keys keys, Tokens tokens, Triggers triggers, Webhooks webhooks, Reads reads,
                               BooleanSupplier ready,
                               int failedAuthBurst, long failedAuthRefillMs) {
    }

    private ApiServer() {
    }

    public static Javalin create(Dependencies deps) {
        return create(deps, config -> { });
    }

    /** With {@code transport} setting how the server listens (HttpListener: TLS, connection limits). */
    public static Javalin create(Dependencies deps, Consumer<JavalinConfig> transport) {
        TokenAuth auth = new TokenAuth(deps.tokens(), new FailedAuthLimiter(deps.failedAuthBurst(),
                deps.failedAuthRefillMs(), 100_000, System::nanoTime));
        byte[] openApi = resource("/openapi.json");
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            transport.accept(config);
            config.routes.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok")));
            config.routes.get("/readyz", ctx -> json(ctx, deps.ready().getAsBoolean() ? 200 : 503,
                    Map.of("status", deps.ready().getAsBoolean() ? "ok" : "config_not_loaded")));
            config.routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            // the dashboard: static files from the jar, and uPlot from its WebJar (no CDN: installs are often offline)
            config.staticFiles.add(files -> {
                files.hostedPath = "/dashboard";
                files.directory = "/dashboard";
                files.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
            config.routes.get("/", ctx -> ctx.redirect("/dashboard/index.html"));
            // beforeMatched: an unknown path is a 404, not a demand for a token
            config.routes.beforeMatched("/v1/*", ctx -> {
                if (!ctx.path().equals("/v1/openapi.json")) {
                    auth.handle(ctx);
                }
            });
            sites(config, deps.sites());
            keys(config, deps.keys());
            tokens(config, deps.tokens());
            triggers(config, deps.triggers());
            webhooks(config, deps.webhooks());
            deps.reads().routes(config);
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, e));
            // Javalin's own answers for an unknown path or a wrong method, in the API's error shape
            config.routes.error(404, ctx -> plainToJson(ctx, new ApiError(ErrorCode.NOT_FOUND, "no such endpoint")));
            config.routes.error(405, ctx -> plainToJson(ctx, new ApiError(ErrorCode.METHOD_NOT_ALLOWED,
                    "method " + ctx.method() + " not allowed on " + ctx.path())));
        });
    }

    private static void sites(JavalinConfig config, Sites sites) {
        config.routes.get("/v1/sites", ctx -> json(ctx, 200, Page.of(ctx).of(sites.list())));
        config.routes.post("/v1/sites", ctx -> json(ctx, 201, sites.create(body(ctx, Sites.CREATE_FIELDS))));
        config.routes.get("/v1/sites/{id}", ctx -> json(ctx, 200, sites.get(ctx.pathParam("id"))));
        config.routes.patch("/v1/sites/{id}", ctx ->
                json(ctx, 200, sites.update(ctx.pathParam("id"), body(ctx, Sites.PATCH_FIELDS))));
        config.routes.delete("/v1/sites/{id}", ctx -> {
            sites.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private static void keys(JavalinConfig config, Keys keys) {
        config.routes.get("/v1/keys", ctx -> {
            Queries.allowOnly(ctx, java.util.Set.of("site_id", "limit", "offset"));
            Page page = Page.of(ctx);
            json(ctx, 200, page.ofFetched(keys.list(Queries.text(ctx, "site_id", 64).orElse(null), page.limit(),
                    page.offset())));
        });
        config.routes.post("/v1/keys", ctx -> json(ctx, 201, keys.create(body(ctx, Keys.CREATE_FIELDS))));
        config.routes.get("/v1/keys/{id}", ctx -> json(ctx, 200, keys.get(ctx.pathParam("id"))));
        config.routes.delete("/v1/keys/{id}", ctx -> json(ctx, 200, keys.revoke(ctx.pathParam("id"))));
        config.routes.post("/v1/keys/{id}/rotate", ctx ->
                json(ctx, 200, keys.rotate(ctx.pathParam("id"), body(ctx, Keys.ROTATE_FIELDS))));
    }

    private static void tokens(JavalinConfig config, Tokens tokens) {
        config.routes.get("/v1/tokens", ctx -> json(ctx, 200, Page.of(ctx).of(tokens.list())));
        config.routes.post("/v1/tokens", ctx -> json(ctx, 201, tokens.create(body(ctx, Tokens.CREATE_FIELDS))));
        config.routes.delete("/v1/tokens/{id}", ctx -> {
            tokens.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        config.routes.post("/v1/auth/rotate-key", ctx -> {
            body(ctx, java.util.Set.of()); // takes no fields: refuse any
            json(ctx, 200, tokens.rotate(ctx.attribute(TokenAuth.TOKEN_ATTRIBUTE)));
        });
    }

    private static void triggers(JavalinConfig config, Triggers triggers) {
        config.routes.get("/v1/triggers", ctx -> json(ctx, 200, Page.of(ctx).of(triggers.list())));
        config.routes.post("/v1/triggers", ctx -> json(ctx, 201, triggers.create(body(ctx, Triggers.CREATE_FIELDS))));
        config.routes.get("/v1/triggers/{id}", ctx -> json(ctx, 200, triggers.get(ctx.pathParam("id"))));
        config.routes.patch("/v1/triggers/{id}", ctx ->
                json(ctx, 200, triggers.update(ctx.pathParam("id"), body(ctx, Triggers.PATCH_FIELDS))));
        config.routes.delete("/v1/triggers/{id}", ctx -> {
            triggers.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private static void webhooks(JavalinConfig config, Webhooks webhooks) {
        config.routes.get("/v1/webhooks", ctx -> json(ctx, 200, Page.of(ctx).of(webhooks.list())));
        config.routes.post("/v1/webhooks", ctx -> json(ctx, 201, webhooks.create(body(ctx, Webhooks.FIELDS))));
        config.routes.get("/v1/webhooks/{id}", ctx -> json(ctx, 200, webhooks.get(ctx.pathParam("id"))));
        config.routes.put("/v1/webhooks/{id}", ctx ->
                json(ctx, 200, webhooks.replace(ctx.pathParam("id"), body(ctx, Webhooks.FIELDS))));
        config.routes.delete("/v1/webhooks/{id}", ctx -> {
            webhooks.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        config.routes.post("/v1/webhooks/{id}/test", ctx -> {
            body(ctx, java.util.Set.of());
            json(ctx, 200, webhooks.test(ctx.pathParam("id")));
        });
    }

    static JsonBody body(Context ctx, java.util.Set<String> fields) {
        return JsonBody.parse(JSON, ctx.body(), fields);
    }

    static void json(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    /** Only for answers not already written by the API (those are JSON). */
    private static void plainToJson(Context ctx, ApiError error) {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
            error(ctx, error);
        }
    }

    private static void error(Context ctx, Exception error) {
        ApiError apiError;
        if (error instanceof ApiError known) {
            apiError = known;
        } else if (error instanceof ConfigConflictException conflict) {
            apiError = new ApiError(ErrorCode.CONFLICT, conflict.getMessage());
        } else if (error instanceof ClickHouseUnavailableException unavailable) {
            log.warn("{} {}: {}", ctx.method(), ctx.path(), unavailable.getMessage());
            apiError = new ApiError(ErrorCode.UNAVAILABLE, "ClickHouse is unavailable; retry later");
        } else if (error instanceof io.javalin.http.HttpResponseException http) {
            apiError = new ApiError(switch (http.getStatus()) {
                case 404 -> ErrorCode.NOT_FOUND;
                case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
                default -> ErrorCode.INVALID_REQUEST;
            }, http.getMessage());
        } else if (error instanceof org.apache.kafka.common.KafkaException kafka) {
            log.warn("{} {}: configuration write failed: {}", ctx.method(), ctx.path(), kafka.toString());
            apiError = new ApiError(ErrorCode.UNAVAILABLE, "the configuration store (Kafka) is unavailable; retry later");
        } else {
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), error);
            apiError = new ApiError(ErrorCode.INTERNAL_ERROR, "unexpected server error; retry");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", apiError.code().wireName());
        body.put("message", apiError.getMessage());
        if (apiError.field() != null) {
            body.put("field", apiError.field());
        }
        if (apiError.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(apiError.retryAfterSeconds()));
        }
        try {
            json(ctx, apiError.code().status(), body);
        } catch (IOException e) {
            ctx.status(500).result("{\"error\":\"internal_error\"}");
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
            return in == null ? "{}".getBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
