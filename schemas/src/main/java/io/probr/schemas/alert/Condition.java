package io.probr.schemas.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trigger's condition, one metric per trigger, written in EchoTag's style, e.g.
 * {@code {"failure_rate": {"greater_than": 0.5}, "min_executions": 3, "period": "5m"}}. Parsed the same way by
 * the API (to refuse a bad one with the field at fault) and by the alerting process (to evaluate it).
 */
public record Condition(Metric metric, double threshold, long minExecutions, long periodMs, String coverageField) {

    /** What a condition watches, and how its threshold compares. */
    public enum Metric {
        FAILURE_RATE("failure_rate"),
        TIMEOUTS("timeouts"),
        AVG_EXECUTION_MS("avg_execution_ms"),
        NO_EVENTS("no_events"),
        TAG_MISSING("tag_missing"),
        COVERAGE("coverage");

        private final String wireName;

        Metric(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether the metric is of a container (every tag at once) rather than of each tag. */
        public boolean perContainer() {
            return this == NO_EVENTS || this == COVERAGE;
        }
    }

    public static final Set<String> COVERAGE_FIELDS = Set.of("user_data.email", "user_data.phone", "user_data.address",
            "ecommerce.value", "ecommerce.currency", "ecommerce.transaction_id", "ecommerce.items");
    public static final long DEFAULT_PERIOD_MS = 5 * 60_000;
    private static final long MIN_PERIOD_MS = 60_000;
    private static final long MAX_PERIOD_MS = 24 * 3_600_000L;
    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([smh])");

    /** A condition the API refuses, naming the field at fault ({@code conditions.failure_rate.greater_than}). */
    public static final class InvalidConditionException extends IllegalArgumentException {
        private final String field;

        public InvalidConditionException(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public static Condition parse(JsonNode conditions) {
        String root = "conditions";
        if (conditions == null || !conditions.isObject()) {
            throw new InvalidConditionException(root, "must be an object such as {\"failure_rate\": {\"greater_than\": 0.5}}");
        }
        List<Metric> metrics = new ArrayList<>();
        for (Iterator<String> names = conditions.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            Metric metric = metricNamed(name);
            if (metric != null) {
                metrics.add(metric);
            } else if (!name.equals("min_executions") && !name.equals("period")) {
                throw new InvalidConditionException(root + "." + name, "unknown; expected one metric of "
                        + wireNames() + ", and optionally min_executions and period");
            }
        }
        if (metrics.size() != 1) {
            throw new InvalidConditionException(root, "name exactly one metric of " + wireNames());
        }
        Metric metric = metrics.get(0);
        long minExecutions = 1;
        if (conditions.has("min_executions")) {
            JsonNode min = conditions.get("min_executions");
            if (!min.isIntegralNumber() || min.asLong() < 1 || min.asLong() > 1_000_000_000) {
                throw new InvalidConditionException(root + ".min_executions", "must be an integer from 1 to 1000000000");
            }
            minExecutions = min.asLong();
        }
        long periodMs = conditions.has("period") ? duration(root + ".period", conditions.get("period"))
                : DEFAULT_PERIOD_MS;
        JsonNode spec = conditions.get(metric.wireName());
        String field = root + "." + metric.wireName();
        return switch (metric) {
            case TAG_MISSING -> {
                if (!spec.isBoolean() || !spec.booleanValue()) {
                    throw new InvalidConditionException(field, "must be true");
                }
                yield new Condition(metric, 0, minExecutions, periodMs, null);
            }
            case NO_EVENTS -> {
                onlyFields(field, spec, Set.of("for"));
                yield new Condition(metric, duration(field + ".for", spec.get("for")), minExecutions,
                        duration(field + ".for", spec.get("for")), null);
            }
            case COVERAGE -> {
                onlyFields(field, spec, Set.of("field", "less_than"));
                JsonNode coverage = spec.get("field");
                if (coverage == null || !coverage.isTextual() || !COVERAGE_FIELDS.contains(coverage.textValue())) {
                    throw new InvalidConditionException(field + ".field", "must be one of " + COVERAGE_FIELDS);
                }
                yield new Condition(metric, number(field + ".less_than", spec.get("less_than"), 0, 1), minExecutions,
                        periodMs, coverage.textValue());
            }
            case FAILURE_RATE -> {
                onlyFields(field, spec, Set.of("greater_than"));
                yield new Condition(metric, number(field + ".greater_than", spec.get("greater_than"), 0, 1),
                        minExecutions, periodMs, null);
            }
            case TIMEOUTS -> {
                onlyFields(field, spec, Set.of("at_least"));
                JsonNode n = spec.get("at_least");
                if (n == null || !n.isIntegralNumber() || n.asLong() < 1) {
                    throw new InvalidConditionException(field + ".at_least", "must be an integer of at least 1");
                }
                yield new Condition(metric, n.asLong(), minExecutions, periodMs, null);
            }
            case AVG_EXECUTION_MS -> {
                onlyFields(field, spec, Set.of("greater_than"));
                yield new Condition(metric, number(field + ".greater_than", spec.get("greater_than"), 0, 3_600_000),
                        minExecutions, periodMs, null);
            }
        };
    }

    private static void onlyFields(String field, JsonNode spec, Set<String> allowed) {
        if (spec == null || !spec.isObject()) {
            throw new InvalidConditionException(field, "must be an object with " + allowed);
        }
        for (Iterator<String> names = spec.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidConditionException(field + "." + name, "unknown; expected " + allowed);
            }
        }
    }

    private static double number(String field, JsonNode value, double min, double max) {
        if (value == null || !value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw new InvalidConditionException(field, "must be a number from " + min + " to " + max);
        }
        return value.doubleValue();
    }

    /** {@code 90s}, {@code 5m}, {@code 2h}: from a minute to a day. */
    public static long duration(String field, JsonNode value) {
        Matcher m = value == null || !value.isTextual() ? null : DURATION.matcher(value.textValue());
        if (m == null || !m.matches()) {
            throw new InvalidConditionException(field, "must be a duration such as 90s, 5m or 2h");
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "s" -> 1000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
        };
        long ms = Long.parseLong(m.group(1)) * unit;
        if (ms < MIN_PERIOD_MS || ms > MAX_PERIOD_MS) {
            throw new InvalidConditionException(field, "must be from 1m to 24h");
        }
        return ms;
    }

    private static Metric metricNamed(String name) {
        for (Metric metric : Metric.values()) {
            if (metric.wireName.equals(name)) {
                return metric;
            }
        }
        return null;
    }

    private static List<String> wireNames() {
        return java.util.Arrays.stream(Metric.values()).map(Metric::wireName).toList();
    }
}
