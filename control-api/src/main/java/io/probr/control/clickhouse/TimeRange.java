package io.probr.control.clickhouse;

import io.probr.control.http.ApiError;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A half-open range of event time, [start, end), checked: ordered, and no longer than the API allows. */
public record TimeRange(Instant start, Instant end) {
    public static final Map<String, Duration> PERIODS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    public static TimeRange lastPeriod(String period, Instant now) {
        Duration length = PERIODS.get(period);
        if (length == null) {
            throw ApiError.invalid("period", "must be one of 1h, 24h, 7d, 30d");
        }
        return new TimeRange(now.minus(length), now);
    }

    public static TimeRange of(String startField, Instant start, Instant end, int maxDays) {
        if (!end.isAfter(start)) {
            throw ApiError.invalid(startField, "the range must end after it starts");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(maxDays)) > 0) {
            throw ApiError.invalid(startField, "the range may span at most " + maxDays + " days");
        }
        if (start.toEpochMilli() < 0) {
            throw ApiError.invalid(startField, "must be after 1970");
        }
        return new TimeRange(start, end);
    }

    /** {@code {"start": ISO instant, "end": ISO instant}}, in that order. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("start", start.toString());
        json.put("end", end.toString());
        return json;
    }

    public Params bind(Params params) {
        return params.uint64("start_ms", start.toEpochMilli()).uint64("end_ms", end.toEpochMilli());
    }
}
