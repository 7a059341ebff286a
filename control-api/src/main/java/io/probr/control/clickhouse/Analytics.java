package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tag health, events by name, conversions and data coverage over a time range: what tags sent per event
 * ({@code probr.events}, {@code probr.tag_executions}) plus what tags sent as their own batches (the
 * {@code tag_batch} windows). The aggregator's stream windows are left out: they count the same events again.
 * p95 comes from per-event executions only (a batch carries no distribution).
 */
public final class Analytics {
    private static final SqlQuery TAGS = SqlQuery.resource("analytics_tags.sql");
    private static final SqlQuery BATCH_TAGS = SqlQuery.resource("analytics_batch_tags.sql");
    private static final SqlQuery EVENTS = SqlQuery.resource("analytics_events.sql");
    private static final SqlQuery COVERAGE = SqlQuery.resource("analytics_coverage.sql");
    private static final SqlQuery LAST_WINDOW = SqlQuery.resource("last_closed_window.sql");
    private static final SqlQuery CONTAINERS = SqlQuery.resource("containers.sql");

    private final ClickHouseReader clickHouse;
    private final List<String> conversionEvents;

    public Analytics(ClickHouseReader clickHouse, List<String> conversionEvents) {
        this.clickHouse = clickHouse;
        this.conversionEvents = List.copyOf(conversionEvents);
    }

    public Map<String, Object> over(String containerId, TimeRange range) throws ClickHouseUnavailableException {
        Params params = range.bind(new Params().string("container_id", containerId))
                .strings("conversion_events", conversionEvents);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("container_id", containerId == null || containerId.isEmpty() ? null : containerId);
        answer.put("start", range.start().toString());
        answer.put("end", range.end().toString());
        answer.put("tags", tags(clickHouse.select(TAGS, params), clickHouse.select(BATCH_TAGS, params)));
        List<Map<String, Object>> events = new ArrayList<>();
        for (JsonNode row : clickHouse.select(EVENTS, params)) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event_name", row.get("event_name").asText());
            event.put("count", row.get("events").asLong());
            events.add(event);
        }
        answer.put("events", events);
        JsonNode coverage = clickHouse.select(COVERAGE, params).get(0);
        Map<String, Object> conversions = new LinkedHashMap<>();
        conversions.put("events", conversionEvents);
        conversions.put("count", coverage.get("conversions").asLong());
        answer.put("conversions", conversions);
        answer.put("user_data", shares(coverage, "user_data_events", "email", "phone", "address"));
        answer.put("ecommerce", shares(coverage, "ecommerce_events", "value", "currency", "transaction_id", "items"));
        answer.put("total_events", coverage.get("events").asLong());
        return answer;
    }

    /** The containers that sent events in the range (of one site, or of all when {@code siteId} is empty). */
    public List<Map<String, Object>> containers(String siteId, TimeRange range) throws ClickHouseUnavailableException {
        List<Map<String, Object>> containers = new ArrayList<>();
        for (JsonNode row : clickHouse.select(CONTAINERS, range.bind(new Params().string("site_id", siteId)))) {
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("container_id", row.get("container_id").asText());
            container.put("site_id", row.get("site").asText().isEmpty() ? null : row.get("site").asText());
            containers.add(container);
        }
        return containers;
    }

    /** The last five minutes, and the container's last window the aggregator closed. */
    public Map<String, Object> realtime(String containerId, TimeRange lastFiveMinutes)
            throws ClickHouseUnavailableException {
        Map<String, Object> answer = over(containerId, lastFiveMinutes);
        List<JsonNode> window = clickHouse.select(LAST_WINDOW, new Params().string("container_id", containerId));
        Map<String, Object> last = null;
        if (!window.isEmpty()) {
            last = new LinkedHashMap<>();
            last.put("window_start", java.time.Instant.ofEpochMilli(window.get(0).get("window_start_ms").asLong()).toString());
            last.put("window_end", java.time.Instant.ofEpochMilli(window.get(0).get("window_end_ms").asLong()).toString());
            last.put("total_events", window.get(0).get("total_events").asLong());
        }
        answer.put("last_closed_window", last);
        return answer;
    }

    private static List<Map<String, Object>> tags(List<JsonNode> perEvent, List<JsonNode> batches) {
        Map<String, TagFigures> byTag = new LinkedHashMap<>();
        for (JsonNode row : perEvent) {
            figures(byTag, row).add(row, row.get("p95_execution_ms"));
        }
        for (JsonNode row : batches) {
            figures(byTag, row).add(row, null);
        }
        List<TagFigures> all = new ArrayList<>(byTag.values());
        all.sort(Comparator.comparingDouble(TagFigures::failureRate).reversed()
                .thenComparing(Comparator.comparingLong(TagFigures::executions).reversed())
                .thenComparing(f -> f.tag));
        return all.stream().map(TagFigures::toJson).toList();
    }

    private static TagFigures figures(Map<String, TagFigures> byTag, JsonNode row) {
        String container = row.get("container_id").asText();
        String tag = row.get("tag").asText();
        return byTag.computeIfAbsent(container + "\u0000" + tag, k -> new TagFigures(container, tag));
    }

    private static Map<String, Object> shares(JsonNode row, String totalField, String... fields) {
        long total = row.get(totalField).asLong();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", total);
        for (String field : fields) {
            long count = row.get(field).asLong();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("count", count);
            figures.put("share", total == 0 ? 0.0 : round(count / (double) total));
            out.put(field, figures);
        }
        return out;
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    private static final class TagFigures {
        final String container;
        final String tag;
        long executions;
        long success;
        long failure;
        long timeout;
        long exception;
        long timedMs;
        long timedCount;
        Long p95;

        TagFigures(String container, String tag) {
            this.container = container;
            this.tag = tag;
        }

        void add(JsonNode row, JsonNode p95Node) {
            executions += row.get("executions").asLong();
            success += row.get("success").asLong();
            failure += row.get("failure").asLong();
            timeout += row.get("timeout").asLong();
            exception += row.get("exception").asLong();
            timedMs += row.get("timed_ms").asLong();
            timedCount += row.get("timed_count").asLong();
            if (p95Node != null && !p95Node.isNull() && row.get("timed_count").asLong() > 0) {
                p95 = p95Node.asLong();
            }
        }

        long executions() {
            return executions;
        }

        double failureRate() {
            return executions == 0 ? 0 : (failure + timeout + exception) / (double) executions;
        }

        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("container_id", container);
            out.put("tag", tag);
            out.put("executions", executions);
            out.put("success", success);
            out.put("failure", failure);
            out.put("timeout", timeout);
            out.put("exception", exception);
            out.put("failure_rate", round(failureRate()));
            out.put("avg_execution_ms", timedCount == 0 ? null : Math.round(timedMs * 10.0 / timedCount) / 10.0);
            out.put("p95_execution_ms", p95);
            return out;
        }
    }
}
