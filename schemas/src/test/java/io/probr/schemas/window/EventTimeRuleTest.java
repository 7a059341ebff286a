package io.probr.schemas.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.IngestHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventTimeRuleTest {
    private static final long NOW = 1_796_284_800_000L; // 2026-12-03T08:00:00Z
    private final EventTimeRule rule = new EventTimeRule(600_000);

    private static PerEventPayload event(long timestampMs) {
        return new PerEventPayload("GTM-A", "e", timestampMs, List.of(), null, null);
    }

    private static BatchedPayload window(long startMs, long endMs) {
        return WindowAccumulator.empty("GTM-A", startMs, endMs);
    }

    @Test
    void aTimeUpToTheSkewAheadIsTrustedAndPastTimesAlways() {
        assertNull(rule.check(event(NOW + 600_000), NOW));
        assertNull(rule.check(event(1708790400000L), NOW)); // the contract's 2024 example
        assertNull(rule.check(event(0), NOW));
    }

    @Test
    void oneMillisecondBeyondTheSkewIsAFutureTimestampNamingFieldValueAndServerTime() {
        EventTimeRule.Violation violation = rule.check(event(NOW + 600_001), NOW);
        assertEquals(DeadLetterReason.FUTURE_TIMESTAMP, violation.reason());
        assertEquals("$.timestamp_ms: 2026-12-03T08:10:00.001Z is more than 600 s ahead of the receiving server's"
                + " clock (2026-12-03T08:00:00Z)", violation.message());
    }

    @Test
    void aBatchIsCheckedAtBothEndsAndAComputedWindowsEndOnlyForItsRange() {
        assertEquals("future_timestamp", rule.check(window(NOW + 700_000, NOW + 700_000), NOW).reason().code());
        EventTimeRule.Violation end = rule.check(window(NOW, NOW + 700_000), NOW);
        assertEquals(DeadLetterReason.FUTURE_TIMESTAMP, end.reason());
        assertEquals("$.window_end_ms", end.message().substring(0, "$.window_end_ms".length()));

        // a window the aggregator computed: its events were checked, only ClickHouse's range is left
        assertNull(rule.checkComputedWindow(window(NOW + 600_000, NOW + 660_000)));
        EventTimeRule.Violation beyondDateTime = rule.checkComputedWindow(window(NOW, 253402300799000L));
        assertEquals(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, beyondDateTime.reason());
    }

    @Test
    void clickHouseDateTimeRangeIsEnforcedWhateverTheArrival() {
        long lastSecond = EventTimeRule.DATETIME_MAX_MS;
        assertNull(rule.check("timestamp_ms", lastSecond, lastSecond));
        assertEquals(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, rule.check("timestamp_ms", lastSecond + 1, lastSecond).reason());
        assertEquals(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, rule.check("timestamp_ms", -1, NOW).reason());
    }

    @Test
    void arrivalIsTheEdgesHeaderElseTheRecordTimestampAndNeverBeyondTheSkewAheadOfNow() {
        RecordHeaders edge = new RecordHeaders();
        edge.add(IngestHeaders.RECEIVED_AT_MS, Long.toString(NOW - 5).getBytes(StandardCharsets.UTF_8));
        assertEquals(NOW - 5, rule.arrivalOf(edge, NOW - 100, NOW));
        assertEquals(NOW - 100, rule.arrivalOf(new RecordHeaders(), NOW - 100, NOW));

        RecordHeaders lying = new RecordHeaders();
        lying.add(IngestHeaders.RECEIVED_AT_MS, "4922899200000".getBytes(StandardCharsets.UTF_8)); // 2126
        assertEquals(NOW + 600_000, rule.arrivalOf(lying, NOW - 100, NOW));
        RecordHeaders aheadEdge = new RecordHeaders();   // an edge host whose clock runs a minute ahead
        aheadEdge.add(IngestHeaders.RECEIVED_AT_MS, Long.toString(NOW + 60_000).getBytes(StandardCharsets.UTF_8));
        assertEquals(NOW + 60_000, rule.arrivalOf(aheadEdge, NOW - 100, NOW));

        RecordHeaders garbled = new RecordHeaders();
        garbled.add(IngestHeaders.RECEIVED_AT_MS, "soon".getBytes(StandardCharsets.UTF_8));
        assertEquals(NOW - 100, rule.arrivalOf(garbled, NOW - 100, NOW));
    }

    @Test
    void theSkewIsReadFromTheEnvironmentWithADefaultOfTenMinutes() {
        assertEquals(600_000, EventTimeRule.fromEnv(new EnvVars(Map.of())).maxSkewMs());
        assertEquals(5_000, EventTimeRule.fromEnv(new EnvVars(Map.of("PROBR_MAX_CLOCK_SKEW_MS", "5000"))).maxSkewMs());
        assertThrows(IllegalArgumentException.class,
                () -> EventTimeRule.fromEnv(new EnvVars(Map.of("PROBR_MAX_CLOCK_SKEW_MS", "-1"))));
    }
}
