package io.probr.alerting.evaluate;

import static io.probr.alerting.evaluate.StoreJson.json;
import static io.probr.alerting.evaluate.StoreJson.read;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Containers' recent windows as the alerting stores keep them: one entry per window part, keyed by container
 * and window end, and one small entry per container (its latest window end, when it was last heard from).
 * A window's arrival writes a few hundred bytes, not the container's two days of windows, so a busy container
 * neither outgrows a Kafka record in the changelog nor costs a rewrite of its whole history per window; the
 * wall-clock tick reads the containers only.
 */
final class HistoryStore {
    /** Two days: twice the longest period a condition may have. */
    static final long KEPT_MS = 48 * 3_600_000L;
    private static final char SEPARATOR = '\u0000';
    /** Sorts after every part name, to end a range scan. */
    private static final String LAST = "\uffff";
    /** A stream window's parts (final, corrections) are merged into one entry. */
    private static final String STREAM_PART = "s";

    /** What is kept per container besides its windows. */
    record Container(long latestEndMs, long lastSeenMs) {
    }

    private final KeyValueStore<String, byte[]> windows;
    private final KeyValueStore<String, byte[]> containers;

    HistoryStore(KeyValueStore<String, byte[]> windows, KeyValueStore<String, byte[]> containers) {
        this.windows = windows;
        this.containers = containers;
    }

    /**
     * Adds a window: a stream window's part is merged into the window's entry, a tag batch ({@code batchId} its
     * record's position) is kept on its own. Windows more than {@link #KEPT_MS} older than the latest are dropped.
     */
    Container add(String container, WindowSummary window, String batchId, long wallNowMs) {
        Container before = container(container);
        Container after = new Container(Math.max(before.latestEndMs(), window.endMs()),
                Math.max(before.lastSeenMs(), wallNowMs));
        String key = key(container, window.endMs()) + SEPARATOR + pad(window.startMs()) + SEPARATOR
                + (batchId == null ? STREAM_PART : "b" + batchId);
        byte[] stored = batchId == null ? windows.get(key) : null;
        windows.put(key, json(stored == null ? window : read(stored, WindowSummary.class).plus(window)));
        containers.put(container, json(after));
        deleteRange(container, 0, after.latestEndMs() - KEPT_MS);
        return after;
    }

    /** The container's windows ending in ({@code latestEnd - lookbackMs}, latest end], for the {@link Evaluator}. */
    ContainerHistory history(String container, Container state, long lookbackMs) {
        List<WindowSummary> recent = new ArrayList<>();
        long from = Math.max(0, state.latestEndMs() - lookbackMs + 1);
        try (KeyValueIterator<String, byte[]> it = windows.range(key(container, from),
                key(container, state.latestEndMs()) + LAST)) {
            while (it.hasNext()) {
                recent.add(read(it.next().value, WindowSummary.class));
            }
        }
        return new ContainerHistory(container, recent, state.latestEndMs(), state.lastSeenMs());
    }

    Container container(String container) {
        byte[] stored = containers.get(container);
        return stored == null ? new Container(0, 0) : read(stored, Container.class);
    }

    /** Every container kept, with its state. */
    void forEachContainer(BiConsumer<String, Container> action) {
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = containers.all()) {
            it.forEachRemaining(all::add);
        }
        all.forEach(entry -> action.accept(entry.key, read(entry.value, Container.class)));
    }

    /** Drops a container and its windows. */
    void forget(String container) {
        containers.delete(container);
        deleteRange(container, 0, Long.MAX_VALUE / 2);
    }

    private void deleteRange(String container, long fromEndMs, long toEndMs) {
        if (toEndMs < fromEndMs) {
            return;
        }
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = windows.range(key(container, fromEndMs), key(container, toEndMs) + LAST)) {
            it.forEachRemaining(entry -> old.add(entry.key));
        }
        old.forEach(windows::delete);
    }

    /** Keys sort by container, then window end: zero-padded so that the text order is the numeric order. */
    private static String key(String container, long endMs) {
        return container + SEPARATOR + pad(endMs);
    }

    private static String pad(long ms) {
        return String.format("%019d", ms);
    }
}
