package io.probr.aggregator;

/**
 * Tumbling event-time windows: {@code [start, start + sizeMs)} with {@code start} a multiple of the size
 * since the epoch. A window closes once the partition's stream time (the largest {@code timestamp_ms}
 * seen on it) reaches {@code end + graceMs}.
 */
public record WindowSpec(long sizeMs, long graceMs) {
    public WindowSpec {
        if (sizeMs <= 0 || graceMs < 0) {
            throw new IllegalArgumentException("window size must be > 0 and grace >= 0, got " + sizeMs + " and " + graceMs);
        }
    }

    public long startOf(long timestampMs) {
        return Math.floorDiv(timestampMs, sizeMs) * sizeMs;
    }

    public boolean isClosed(long windowStartMs, long streamTimeMs) {
        return windowStartMs + sizeMs + graceMs <= streamTimeMs;
    }
}
