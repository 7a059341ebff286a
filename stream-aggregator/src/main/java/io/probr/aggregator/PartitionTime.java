package io.probr.aggregator;

import io.probr.schemas.window.WindowSpec;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The time one partition's windows close by, kept in a changelogged store so that a restart decides lateness
 * as before. It is the later of two clocks:
 * <ul>
 *   <li>the newest trusted event time (as Kafka Streams' stream time), and</li>
 *   <li>the newest arrival plus the wall-clock time since the last record was read, when that record was read
 *       soon after it arrived: a quiet partition's windows still close, while a backlog read after downtime, a
 *       lag or a stall is windowed by when its records arrived, not turned into corrections.</li>
 * </ul>
 * Neither can run ahead of the events: arrival is never later than the clock that reads it, and elapsed time is
 * never added to a stored value, so one tag clock minutes ahead moves the event clock only until real time
 * catches up. What has been closed is stored too ({@code closed-through}): a window is never closed twice.
 */
final class PartitionTime {
    /** The key Kafka Streams' own stream time was stored under by earlier versions: state they left still reads. */
    static final String EVENT_TIME_KEY = "stream-time";
    static final String ARRIVAL_KEY = "arrival-time";
    static final String CLOSED_THROUGH_KEY = "closed-through";

    private final KeyValueStore<String, Long> store;
    private final WindowSpec spec;
    /** A record read later than this after its arrival is part of a backlog. */
    private final long freshMs;
    private long lastRecordWallMs;
    private boolean lastRecordFresh = true;
    private boolean migrated;

    PartitionTime(KeyValueStore<String, Long> store, WindowSpec spec, long nowMs) {
        this.store = store;
        this.spec = spec;
        this.freshMs = Math.max(spec.graceMs(), 5_000);
        this.lastRecordWallMs = nowMs;   // time while this task was not running does not count
    }

    /** A trusted record was read at {@code nowMs}. */
    void recordRead(long eventTimeMs, long arrivalMs, long nowMs) {
        migrate();
        if (eventTimeMs > get(EVENT_TIME_KEY)) {
            store.put(EVENT_TIME_KEY, eventTimeMs);
        }
        if (arrivalMs > get(ARRIVAL_KEY)) {
            store.put(ARRIVAL_KEY, arrivalMs);
        }
        lastRecordWallMs = nowMs;
        lastRecordFresh = nowMs - arrivalMs <= freshMs;
    }

    /** The time windows close by at {@code nowMs}; {@code Long.MIN_VALUE} before any record. */
    long at(long nowMs) {
        long arrival = get(ARRIVAL_KEY);
        long quiet = lastRecordFresh ? Math.max(0, nowMs - lastRecordWallMs) : 0;
        return Math.max(get(EVENT_TIME_KEY), arrival == Long.MIN_VALUE ? arrival : arrival + quiet);
    }

    /** The start of the newest closed window: every window starting at or before it is closed. */
    long closedThrough() {
        migrate();
        return get(CLOSED_THROUGH_KEY);
    }

    /** State of an earlier version has an event time but no closed-through: it closed by event time alone. */
    private void migrate() {
        if (!migrated) {
            migrated = true;
            long eventTime = get(EVENT_TIME_KEY);
            if (store.get(CLOSED_THROUGH_KEY) == null && eventTime != Long.MIN_VALUE) {
                store.put(CLOSED_THROUGH_KEY, spec.lastClosedStart(eventTime));
            }
        }
    }

    boolean isClosed(long windowStartMs) {
        return windowStartMs <= closedThrough();
    }

    /** Moves {@link #closedThrough()} to what {@code nowMs} closes; true when it moved, and windows are to emit. */
    boolean advance(long nowMs) {
        long time = at(nowMs);
        if (time == Long.MIN_VALUE) {
            return false;
        }
        long closed = spec.lastClosedStart(time);
        if (closed <= closedThrough()) {
            return false;
        }
        store.put(CLOSED_THROUGH_KEY, closed);
        return true;
    }

    /** The stored event time, for the repair of state an older version left. */
    long eventTime() {
        return get(EVENT_TIME_KEY);
    }

    /**
     * Resets a time from beyond the clock to {@code nowMs}. The window now in progress counts as closed: the
     * state it replaces had closed every window up to its own time, and one window never gets two {@code final}s.
     */
    void resetTo(long nowMs) {
        migrated = true;
        store.put(EVENT_TIME_KEY, nowMs);
        store.put(ARRIVAL_KEY, nowMs);
        store.put(CLOSED_THROUGH_KEY, spec.startOf(nowMs));
        lastRecordWallMs = nowMs;
    }

    private long get(String key) {
        Long value = store.get(key);
        return value == null ? Long.MIN_VALUE : value;
    }
}
