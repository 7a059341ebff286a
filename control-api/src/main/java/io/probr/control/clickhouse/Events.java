package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stored per-event payloads with their tags, newest first, each once (as analysts see them, with FINAL). */
public final class Events {
    private static final SqlQuery PAGE = SqlQuery.resource("events_page.sql");
    private static final SqlQuery TAGS = SqlQuery.resource("events_tags.sql");
    private static final String[] FLAGS = {"email", "phone", "first_name", "last_name", "city", "country"};
    private static final String[] ECOMMERCE = {"value", "currency", "transaction_id", "items"};

    public record Filter(String containerId, String eventName, String tag, String status, TimeRange range) {
    }

    private final ClickHouseReader clickHouse;

    public Events(ClickHouseReader clickHouse) {
        this.clickHouse = clickHouse;
    }

    /** The events of one page, with one more than {@code limit} when there is a next page. */
    public List<Map<String, Object>> page(Filter filter, int limit, int offset) throws ClickHouseUnavailableException {
        Params params = filter.range().bind(new Params().string("container_id", filter.containerId())
                .string("event_name", filter.eventName()).string("tag", filter.tag()).string("status", filter.status()));
        // two validated integers; everything from the request is in p
        SqlQuery page = new SqlQuery(PAGE.name(), PAGE.sql() + "\nLIMIT " + offset + ", " + (limit + 1));
        List<JsonNode> rows = clickHouse.select(page, params);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> ids = rows.stream().map(r -> r.get("event_id").asText()).toList();
        long oldest = rows.stream().mapToLong(r -> r.get("timestamp_ms").asLong()).min().orElseThrow();
        long newest = rows.stream().mapToLong(r -> r.get("timestamp_ms").asLong()).max().orElseThrow();
        Map<String, List<Map<String, Object>>> tags = new HashMap<>();
        List<String> containers = rows.stream().map(r -> r.get("container_id").asText()).distinct().toList();
        for (JsonNode tag : clickHouse.select(TAGS, new Params().strings("ingest_ids", ids)
                .strings("container_ids", containers).uint64("start_ms", oldest).uint64("end_ms", newest + 1))) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tag", tag.get("tag").asText());
            out.put("id", tag.get("tag_id").asText());
            out.put("name", tag.get("tag_name").asText().isEmpty() ? null : tag.get("tag_name").asText());
            out.put("status", tag.get("status").asText());
            out.put("execution_ms", tag.get("execution_ms").isNull() ? null : tag.get("execution_ms").asLong());
            tags.computeIfAbsent(tag.get("event_id").asText(), k -> new ArrayList<>()).add(out);
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, Object> event = new LinkedHashMap<>();
            String id = row.get("event_id").asText();
            event.put("ingest_id", id);
            event.put("container_id", row.get("container_id").asText());
            event.put("event_name", row.get("event_name").asText());
            event.put("timestamp", java.time.Instant.ofEpochMilli(row.get("timestamp_ms").asLong()).toString());
            event.put("received_at", java.time.Instant.ofEpochMilli(row.get("received_at_ms").asLong()).toString());
            event.put("site_id", row.get("site_id").asText());
            event.put("key_id", row.get("key_id").asText());
            event.put("tags", tags.getOrDefault(id, List.of()));
            event.put("user_data", flags(row, "has_user_data", FLAGS));
            event.put("ecommerce", flags(row, "has_ecommerce", ECOMMERCE));
            events.add(event);
        }
        return events;
    }

    private static Map<String, Object> flags(JsonNode row, String present, String[] names) {
        if (row.get(present).asInt() == 0) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put("has_" + name, row.get("has_" + name).asInt() == 1);
        }
        return out;
    }
}
