package io.probr.pipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Every latency recorded, in nanoseconds; percentiles in milliseconds. */
final class Latencies {
    private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, AtomicLong> statuses = Map.of();

    void add(long value) {
        nanos.add(value);
    }

    double percentile(int p) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
