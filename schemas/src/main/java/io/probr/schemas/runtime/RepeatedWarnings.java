package io.probr.schemas.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides which of many alike warnings to log: the first few of each kind, then one in every {@code every}, so
 * a flood of bad records cannot fill the disk or slow the thread that logs them. The counters in the
 * metrics stay exact. For one thread.
 */
public final class RepeatedWarnings {
    private final int first;
    private final int every;
    private final Map<String, Long> seen = new HashMap<>();

    public RepeatedWarnings(int first, int every) {
        this.first = first;
        this.every = every;
    }

    /** Counts one warning of {@code kind}; its number when it should be logged, else 0. */
    public long count(String kind) {
        long n = seen.merge(kind, 1L, Long::sum);
        return n <= first || n % every == 0 ? n : 0;
    }
}
