package io.probr.schemas.window;

import io.probr.schemas.runtime.EnvVars;

/**
 * Tumbling event-time windows: {@code [start, start + sizeMs)} with {@code start} a multiple of the size
 * since the epoch. A window closes once its partition's time (the aggregator's {@code PartitionTime}: the newest
 * trusted event time or arrival) reaches {@code end + graceMs}.
 */
public record WindowSpec(long sizeMs, long graceMs) {
    public WindowSpec {
        if (sizeMs <= 0 || graceMs < 0) {
            throw new IllegalArgumentException("window size must be > 0 and grace >= 0, got " + sizeMs + " and " + graceMs);
        }
    }

    /** {@code PROBR_WINDOW_SIZE_MS} (default 60 s) and {@code PROBR_WINDOW_GRACE_MS} (default 30 s), for the aggregator and the rebuild alike. */
    public static WindowSpec fromEnv(EnvVars env) {
        return new WindowSpec(env.number("PROBR_WINDOW_SIZE_MS", 60_000, 1_000, 86_400_000),
                env.number("PROBR_WINDOW_GRACE_MS", 30_000, 0, 86_400_000));
    }

    public long startOf(long timestampMs) {
        return Math.floorDiv(timestampMs, sizeMs) * sizeMs;
    }

    /** The start of the newest window closed at {@code streamTimeMs}: every window starting at or before it is. */
    public long lastClosedStart(long streamTimeMs) {
        return startOf(streamTimeMs - sizeMs - graceMs);
    }
}
