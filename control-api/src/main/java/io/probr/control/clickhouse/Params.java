package io.probr.control.clickhouse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The one-row table {@code p} a query reads its values from: typed columns, in order. */
public final class Params {
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    public Params string(String name, String value) {
        return put(name, "String", value == null ? "" : value);
    }

    public Params uint64(String name, long value) {
        return put(name, "UInt64", value);
    }

    public Params uint32(String name, long value) {
        return put(name, "UInt32", value);
    }

    public Params strings(String name, List<String> value) {
        return put(name, "Array(String)", value == null ? List.of() : value);
    }

    private Params put(String name, String type, Object value) {
        types.put(name, type);
        values.put(name, value);
        return this;
    }

    /** The parameters that have a value: numbers always, strings and lists when not empty. */
    public java.util.Set<String> present() {
        java.util.Set<String> present = new java.util.HashSet<>();
        values.forEach((name, value) -> {
            boolean empty = value instanceof String s ? s.isEmpty() : value instanceof List<?> l && l.isEmpty();
            if (!empty) {
                present.add(name);
            }
        });
        return present;
    }

    /** The {@code p_structure} ClickHouse reads the row with. */
    public String structure() {
        if (types.isEmpty()) {
            return "unused UInt8";
        }
        return types.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    public Map<String, Object> values() {
        return values.isEmpty() ? Map.of("unused", 0) : Collections.unmodifiableMap(values);
    }
}
