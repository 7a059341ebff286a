package io.probr.schemas.window;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.topic.DeadLetterReason;
import io.probr.schemas.topic.IngestMetadata;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * When a payload's time can be trusted: not more than {@code maxSkewMs} ahead of the moment it arrived, and
 * inside what ClickHouse's {@code DateTime} holds (it wraps silently outside 1970–2106). Stream time is the
 * largest event time seen, so one record stamped in the future would close every window of its partition
 * early; the edge, the aggregator and the sink all apply this one rule.
 */
public record EventTimeRule(long maxSkewMs) {
    /** The last millisecond of ClickHouse's {@code DateTime}: 2106-02-07T06:28:15.999Z. */
    public static final long DATETIME_MAX_MS = 4_294_967_295_999L;

    public EventTimeRule {
        if (maxSkewMs < 0) {
            throw new IllegalArgumentException("the clock skew must be >= 0, got " + maxSkewMs);
        }
    }

    /** {@code PROBR_MAX_CLOCK_SKEW_MS}, default 10 minutes; the edge, the aggregator and the sink read it alike. */
    public static EventTimeRule fromEnv(EnvVars env) {
        return new EventTimeRule(env.number("PROBR_MAX_CLOCK_SKEW_MS", 600_000, 0, 86_400_000));
    }

    /** A refused time: the reason and a message naming the field, its value and the reference time. */
    public record Violation(DeadLetterReason reason, String message) {
    }

    /** The first untrusted field of a per-event payload, or {@code null}. */
    public Violation check(PerEventPayload event, long arrivedAtMs) {
        return check("timestamp_ms", event.timestampMs(), arrivedAtMs);
    }

    /** The first untrusted field of a batch a tag sent: both ends of its window are event times. */
    public Violation check(BatchedPayload batch, long arrivedAtMs) {
        Violation start = check("window_start_ms", batch.windowStartMs(), arrivedAtMs);
        return start != null ? start : check("window_end_ms", batch.windowEndMs(), arrivedAtMs);
    }

    /**
     * The first field of a window the aggregator computed that ClickHouse cannot hold. Only the range: every event
     * in it passed {@link #check(PerEventPayload, long)}, and the window's record has no arrival of its own.
     */
    public Violation checkComputedWindow(BatchedPayload window) {
        Violation start = checkRange("window_start_ms", window.windowStartMs());
        return start != null ? start : checkRange("window_end_ms", window.windowEndMs());
    }

    /**
     * When a record reached Probr: the edge's received-at header, else (another producer wrote it) the record's
     * timestamp. A header can be written by anyone, so it counts only up to the skew ahead of the reader's clock
     * (bounded, yet an edge whose clock runs a little ahead of this host's is still agreed with).
     */
    public long arrivalOf(Headers headers, long recordTimestampMs, long nowMs) {
        return Math.min(IngestMetadata.receivedAt(headers).orElse(recordTimestampMs), nowMs + maxSkewMs);
    }

    /** {@code null} when {@code valueMs} is within the skew of {@code arrivedAtMs} and storable. */
    public Violation check(String field, long valueMs, long arrivedAtMs) {
        if (valueMs > arrivedAtMs + maxSkewMs) {
            return new Violation(DeadLetterReason.FUTURE_TIMESTAMP, "$." + field + ": " + instant(valueMs) + " is more than "
                    + maxSkewMs / 1000 + " s ahead of the receiving server's clock (" + instant(arrivedAtMs) + ")");
        }
        return checkRange(field, valueMs);
    }

    private static Violation checkRange(String field, long valueMs) {
        if (valueMs < 0 || valueMs > DATETIME_MAX_MS) {
            return new Violation(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, "$." + field + ": " + instant(valueMs)
                    + " is outside 1970-01-01T00:00:00Z..2106-02-07T06:28:15Z, the range ClickHouse stores");
        }
        return null;
    }

    private static String instant(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }
}
