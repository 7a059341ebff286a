package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What alerting did, as stored in ClickHouse: changes of incidents, and every webhook delivery attempt. */
public final class AlertHistory {
    private static final SqlQuery EXECUTIONS = SqlQuery.resource("executions.sql");
    private static final SqlQuery LOGS = SqlQuery.resource("webhook_logs.sql");

    private final ClickHouseReader clickHouse;

    public AlertHistory(ClickHouseReader clickHouse) {
        this.clickHouse = clickHouse;
    }

    /** One page (plus one row, to tell whether there is a next) of incident changes. */
    public List<Map<String, Object>> executions(String triggerId, String status, TimeRange range, int limit, int offset)
            throws ClickHouseUnavailableException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode row : clickHouse.select(paged(EXECUTIONS, limit, offset), range.bind(new Params()
                .string("trigger_id", triggerId).string("status", status)))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", row.get("transition_id").asText());
            e.put("incident_id", row.get("incident_id").asText());
            e.put("trigger_id", row.get("trigger_id").asText());
            e.put("trigger_name", row.get("trigger_name").asText());
            e.put("status", row.get("status_name").asText());
            e.put("site_id", emptyToNull(row.get("site_id").asText()));
            e.put("container_id", row.get("container_id").asText());
            e.put("tag", emptyToNull(row.get("tag").asText()));
            e.put("metric", row.get("metric").asText());
            e.put("value", row.get("value").asDouble());
            e.put("threshold", row.get("threshold").asDouble());
            e.put("window", new TimeRange(Instant.ofEpochMilli(row.get("window_start_ms").asLong()),
                    Instant.ofEpochMilli(row.get("window_end_ms").asLong())).toJson());
            e.put("at", instant(row, "at_ms"));
            out.add(e);
        }
        return out;
    }

    /** One page (plus one row) of a webhook's delivery attempts. */
    public List<Map<String, Object>> deliveries(String webhookId, String outcome, TimeRange range, int limit, int offset)
            throws ClickHouseUnavailableException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode row : clickHouse.select(paged(LOGS, limit, offset), range.bind(new Params()
                .string("webhook_id", webhookId).string("outcome", outcome)))) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("delivery_id", row.get("delivery_id").asText());
            d.put("attempt", row.get("attempt").asInt());
            d.put("event", row.get("event").asText());
            d.put("incident_id", emptyToNull(row.get("incident_id").asText()));
            d.put("trigger_id", emptyToNull(row.get("trigger_id").asText()));
            d.put("status", row.get("outcome_name").asText());
            d.put("status_code", row.get("status_code").asInt() == 0 ? null : row.get("status_code").asInt());
            d.put("error", emptyToNull(row.get("error").asText()));
            d.put("latency_ms", row.get("latency_ms").asLong());
            d.put("response_body", emptyToNull(row.get("response_body").asText()));
            d.put("started_at", instant(row, "started_at_ms"));
            d.put("next_attempt_at", row.get("next_attempt_at_ms").asLong() == 0 ? null : instant(row, "next_attempt_at_ms"));
            out.add(d);
        }
        return out;
    }

    private static SqlQuery paged(SqlQuery query, int limit, int offset) {
        return new SqlQuery(query.name(), query.sql() + "\nLIMIT " + offset + ", " + (limit + 1));
    }

    private static String instant(JsonNode row, String field) {
        return Instant.ofEpochMilli(row.get(field).asLong()).toString();
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
