package io.probr.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.probr.control.clickhouse.AlertHistory;
import io.probr.control.clickhouse.Analytics;
import io.probr.control.clickhouse.Events;
import io.probr.control.clickhouse.Reports;
import io.probr.control.clickhouse.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The read routes over ClickHouse: events, analytics, reports. Parameters are checked here, queries elsewhere. */
public final class Reads {
    private static final Set<String> STATUSES = Set.of("success", "failure", "timeout", "exception");
    private static final int MAX_VALUE_LENGTH = 256;

    private final Events events;
    private final Analytics analytics;
    private final Reports reports;
    private final AlertHistory alerts;
    private final Clock clock;
    private final int maxRangeDays;

    public Reads(Events events, Analytics analytics, Reports reports, AlertHistory alerts, Clock clock,
                 int maxRangeDays) {
        this.events = events;
        this.analytics = analytics;
        this.reports = reports;
        this.alerts = alerts;
        this.clock = clock;
        this.maxRangeDays = maxRangeDays;
    }

    void routes(JavalinConfig config) {
        config.routes.get("/v1/events", ctx -> {
            Queries.allowOnly(ctx, Set.of("container_id", "event_name", "tag", "status", "start_date", "end_date",
                    "limit", "offset"));
            Page page = Page.of(ctx);
            String status = Queries.text(ctx, "status", 16).orElse("");
            if (!status.isEmpty() && !STATUSES.contains(status)) {
                throw ApiError.invalid("status", "must be one of " + STATUSES);
            }
            Events.Filter filter = new Events.Filter(text(ctx, "container_id"), text(ctx, "event_name"),
                    text(ctx, "tag"), status, dates(ctx, Duration.ofHours(24)));
            ApiServer.json(ctx, 200, page.ofFetched(events.page(filter, page.limit(), page.offset())));
        });
        config.routes.get("/v1/analytics", ctx -> {
            Queries.allowOnly(ctx, Set.of("container_id", "period", "start_date", "end_date"));
            ApiServer.json(ctx, 200, analytics.over(text(ctx, "container_id"), periodOrDates(ctx)));
        });
        config.routes.get("/v1/containers", ctx -> {
            Queries.allowOnly(ctx, Set.of("site_id", "period", "start_date", "end_date"));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("data", analytics.containers(text(ctx, "site_id"), periodOrDates(ctx)));
            ApiServer.json(ctx, 200, answer);
        });
        config.routes.get("/v1/analytics/realtime", ctx -> {
            Queries.allowOnly(ctx, Set.of("container_id"));
            Instant now = clock.instant();
            ApiServer.json(ctx, 200, analytics.realtime(text(ctx, "container_id"),
                    new TimeRange(now.minus(Duration.ofMinutes(5)), now)));
        });
        config.routes.post("/v1/reports", ctx -> ApiServer.json(ctx, 200, reports.run(reportRequest(ctx))));
        config.routes.get("/v1/executions", ctx -> {
            Queries.allowOnly(ctx, Set.of("trigger_id", "status", "start_date", "end_date", "limit", "offset"));
            Page page = Page.of(ctx);
            String status = oneOf(ctx, "status", Set.of("firing", "resolved"));
            ApiServer.json(ctx, 200, page.ofFetched(alerts.executions(text(ctx, "trigger_id"), status,
                    dates(ctx, Duration.ofDays(7)), page.limit(), page.offset())));
        });
        config.routes.get("/v1/webhooks/{id}/logs", ctx -> {
            Queries.allowOnly(ctx, Set.of("status", "start_date", "end_date", "limit", "offset"));
            Page page = Page.of(ctx);
            String status = oneOf(ctx, "status", Set.of("success", "retrying", "failed"));
            ApiServer.json(ctx, 200, page.ofFetched(alerts.deliveries(ctx.pathParam("id"), status,
                    dates(ctx, Duration.ofDays(7)), page.limit(), page.offset())));
        });
    }

    private Reports.Request reportRequest(Context ctx) {
        JsonBody body = ApiServer.body(ctx, Set.of("group_by", "metrics", "filters", "date_range"));
        List<String> groupBy = body.strings("group_by", 6, 32, null, "a dimension name").orElse(List.of());
        List<String> metrics = body.strings("metrics", 7, 32, null, "a metric name")
                .orElseThrow(() -> ApiError.invalid("metrics", "is required"));
        Map<String, List<String>> filters = new LinkedHashMap<>();
        JsonNode rawFilters = body.raw("filters");
        if (rawFilters != null && !rawFilters.isNull()) {
            if (!rawFilters.isObject()) {
                throw ApiError.invalid("filters", "must be an object such as {\"tag\": [\"GA4\"], \"status\": \"failure\"}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = rawFilters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> filter = it.next();
                filters.put(filter.getKey(), filterValues("filters." + filter.getKey(), filter.getValue()));
            }
        }
        return new Reports.Request(groupBy, metrics, filters, dateRange(body.raw("date_range")));
    }

    private static List<String> filterValues(String field, JsonNode value) {
        List<String> values = new ArrayList<>();
        if (value.isTextual()) {
            values.add(value.textValue());
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw ApiError.invalid(field, "every value must be a string");
                }
                values.add(item.textValue());
            }
        } else {
            throw ApiError.invalid(field, "must be a string or a list of strings");
        }
        for (String v : values) {
            if (v.length() > MAX_VALUE_LENGTH) {
                throw ApiError.invalid(field, "values are at most " + MAX_VALUE_LENGTH + " characters");
            }
            if (field.equals("filters.status") && !STATUSES.contains(v)) {
                throw ApiError.invalid(field, "must be among " + STATUSES);
            }
        }
        return values;
    }

    private TimeRange dateRange(JsonNode range) {
        Instant now = clock.instant();
        if (range == null || range.isNull()) {
            return new TimeRange(now.minus(Duration.ofHours(24)), now);
        }
        if (!range.isObject() || !range.path("start").isTextual() || range.size() > (range.has("end") ? 2 : 1)) {
            throw ApiError.invalid("date_range", "must be {\"start\": ISO instant or date, \"end\": ...} and nothing else");
        }
        Instant start = Queries.instant("date_range.start", range.get("start").textValue(), false);
        Instant end = range.path("end").isTextual()
                ? Queries.instant("date_range.end", range.get("end").textValue(), true) : now;
        return TimeRange.of("date_range", start, end, maxRangeDays);
    }

    /** {@code period} (1h, 24h, 7d, 30d) or {@code start_date}/{@code end_date}; the last 24 h when neither. */
    private TimeRange periodOrDates(Context ctx) {
        if (ctx.queryParam("period") != null
                && (ctx.queryParam("start_date") != null || ctx.queryParam("end_date") != null)) {
            throw ApiError.invalid("period", "give either period or start_date/end_date, not both");
        }
        return ctx.queryParam("period") != null ? TimeRange.lastPeriod(ctx.queryParam("period"), clock.instant())
                : dates(ctx, Duration.ofHours(24));
    }

    private TimeRange dates(Context ctx, Duration fallback) {
        Instant now = clock.instant();
        Instant end = Queries.text(ctx, "end_date", 40).map(v -> Queries.instant("end_date", v, true)).orElse(now);
        Instant start = Queries.text(ctx, "start_date", 40).map(v -> Queries.instant("start_date", v, false))
                .orElse(end.minus(fallback));
        return TimeRange.of("start_date", start, end, maxRangeDays);
    }

    private static String oneOf(Context ctx, String name, Set<String> allowed) {
        String value = Queries.text(ctx, name, 16).orElse("");
        if (!value.isEmpty() && !allowed.contains(value)) {
            throw ApiError.invalid(name, "must be one of " + allowed);
        }
        return value;
    }

    private static String text(Context ctx, String name) {
        return Queries.text(ctx, name, MAX_VALUE_LENGTH).orElse("");
    }
}
