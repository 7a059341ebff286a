package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.probr.control.http.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/reports}: figures of tag executions grouped and filtered by fixed dimensions. The SQL is
 * composed only of the fragments below, chosen by name; every filter value is bound through the parameter
 * table, and the rows are capped.
 */
public final class Reports {
    /** Dimension name → its expression over {@code probr.tag_executions}. */
    static final Map<String, String> DIMENSIONS = orderedMap(
            "day", "toString(event_date)",
            "hour", "concat(replaceOne(toString(toStartOfHour(event_time)), ' ', 'T'), 'Z')",
            "container_id", "container_id",
            "tag", "tag",
            "event_name", "event_name",
            "status", "toString(status)");
    /** Metric name → its aggregate. */
    static final Map<String, String> METRICS = orderedMap(
            "executions", "count()",
            "failures", "countIf(status != 'success')",
            "failure_rate", "round(countIf(status != 'success') / count(), 4)",
            "timeouts", "countIf(status = 'timeout')",
            "avg_execution_ms", "round(avg(execution_ms), 1)",
            "p95_execution_ms", "quantileExact(0.95)(execution_ms)",
            "events", "uniqExact(ingest_id)");
    static final int MAX_FILTER_VALUES = 100;
    private static final java.util.Set<String> DECIMAL_METRICS = java.util.Set.of("failure_rate", "avg_execution_ms");

    /** A checked report request. {@code filters}: dimension → accepted values. */
    public record Request(List<String> groupBy, List<String> metrics, Map<String, List<String>> filters,
                          TimeRange range) {
        public Request {
            if (metrics.isEmpty()) {
                throw ApiError.invalid("metrics", "name at least one of " + METRICS.keySet());
            }
            for (String name : groupBy) {
                if (!DIMENSIONS.containsKey(name)) {
                    throw ApiError.invalid("group_by", "unknown dimension " + quoted(name) + "; expected any of "
                            + DIMENSIONS.keySet());
                }
            }
            for (String name : metrics) {
                if (!METRICS.containsKey(name)) {
                    throw ApiError.invalid("metrics", "unknown metric " + quoted(name) + "; expected any of "
                            + METRICS.keySet());
                }
            }
            for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
                if (!DIMENSIONS.containsKey(filter.getKey())) {
                    throw ApiError.invalid("filters", "unknown field " + quoted(filter.getKey()) + "; expected any of "
                            + DIMENSIONS.keySet());
                }
                if (filter.getValue().isEmpty() || filter.getValue().size() > MAX_FILTER_VALUES) {
                    throw ApiError.invalid("filters." + filter.getKey(), "give 1 to " + MAX_FILTER_VALUES + " values");
                }
            }
            groupBy = List.copyOf(new java.util.LinkedHashSet<>(groupBy));
            metrics = List.copyOf(new java.util.LinkedHashSet<>(metrics));
            filters = Map.copyOf(filters);
        }
    }

    private final ClickHouseReader clickHouse;
    private final int maxRows;

    public Reports(ClickHouseReader clickHouse, int maxRows) {
        this.clickHouse = clickHouse;
        this.maxRows = maxRows;
    }

    public Map<String, Object> run(Request request) throws ClickHouseUnavailableException {
        List<JsonNode> rows = clickHouse.select(new SqlQuery("report", sql(request)), params(request));
        boolean truncated = rows.size() > maxRows;
        List<Map<String, Object>> data = new ArrayList<>();
        for (JsonNode row : truncated ? rows.subList(0, maxRows) : rows) {
            Map<String, Object> out = new LinkedHashMap<>();
            request.groupBy().forEach(name -> out.put(name, row.get(name).asText()));
            request.metrics().forEach(name -> out.put(name, number(name, row.get(name))));
            data.add(out);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("group_by", request.groupBy());
        answer.put("metrics", request.metrics());
        answer.put("date_range", request.range().toJson());
        answer.put("rows", data);
        answer.put("truncated", truncated);
        return answer;
    }

    /** The range and every filter's values, in the order of the fields' names. */
    static Params params(Request request) {
        Params params = request.range().bind(new Params());
        request.filters().keySet().stream().sorted()
                .forEach(field -> params.strings("f_" + field, request.filters().get(field)));
        return params;
    }

    /** The query for a checked request: fragments from the two maps above, and nothing else. */
    String sql(Request request) {
        List<String> select = new ArrayList<>();
        request.groupBy().forEach(name -> select.add(DIMENSIONS.get(name) + " AS " + name));
        request.metrics().forEach(name -> select.add(METRICS.get(name) + " AS " + name));
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select))
                .append("\nFROM probr.tag_executions FINAL")
                .append("\nWHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))")
                .append("\n  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))")
                .append("\n  AND timestamp_ms >= (SELECT start_ms FROM p) AND timestamp_ms < (SELECT end_ms FROM p)");
        // IN a set, not has(): on 18.16 only the set lets container_id (the sort key's first column) prune
        request.filters().keySet().stream().sorted().forEach(field -> sql.append("\n  AND ").append(DIMENSIONS.get(field))
                .append(" IN (SELECT arrayJoin(f_").append(field).append(") FROM p)"));
        if (!request.groupBy().isEmpty()) {
            String keys = String.join(", ", request.groupBy());
            sql.append("\nGROUP BY ").append(keys).append("\nORDER BY ").append(keys);
        }
        return sql.append("\nLIMIT ").append(maxRows + 1).toString();
    }

    /** Rates and averages are always decimals, counts always integers; an average over nothing is null. */
    private static Object number(String metric, JsonNode value) {
        if (value == null || value.isNull() || Double.isNaN(value.asDouble())) {
            return null;
        }
        return DECIMAL_METRICS.contains(metric) ? (Object) value.asDouble() : (Object) value.asLong();
    }

    private static String quoted(String name) {
        return "'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name) + "'";
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
