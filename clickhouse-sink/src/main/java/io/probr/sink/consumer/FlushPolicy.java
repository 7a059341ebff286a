package io.probr.sink.consumer;

import java.time.Duration;

/**
 * When the sink loop hands its buffer to the insert thread, how long a poll may wait, and how long to back off
 * after a failed flush. Pure: it is told the time ({@code System.nanoTime()} in the loop, any number in tests).
 */
final class FlushPolicy {
    static final Duration MAX_POLL = Duration.ofMillis(500);
    /** A poll this long that brings nothing means the topics are quiet, not that a fetch is on its way. */
    static final Duration QUIET = Duration.ofMillis(50);
    /** While an insert is in flight the loop comes back this soon to commit it. */
    static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);

    private final SinkLoop.Settings settings;
    private long backoffNanos;

    FlushPolicy(SinkLoop.Settings settings) {
        this.settings = settings;
        this.backoffNanos = settings.retryMin().toNanos();
    }

    /** What the loop holds, as the policy needs it. */
    record Buffer(int rows, long startedNanos) {
        static final Buffer EMPTY = new Buffer(0, 0);

        boolean isEmpty() {
            return startedNanos == 0;
        }
    }

    /** The last poll waited {@code timeout} and brought nothing. */
    static boolean quiet(boolean polledNothing, Duration timeout) {
        return polledNothing && timeout.compareTo(QUIET) >= 0;
    }

    /** With no insert in flight: a full batch, the flush interval over, or a quiet moment with enough rows. */
    boolean flushDue(Buffer buffer, boolean quiet, long nowNanos) {
        return !buffer.isEmpty()
                && (buffer.rows() >= settings.batchRows()
                || quiet && worthWritingEarly(buffer)
                || nowNanos - buffer.startedNanos() >= settings.flushInterval().toNanos());
    }

    /**
     * After a burst (a backlog, a spike) the topics fall quiet with part of a batch buffered: write it then
     * rather than at the end of the flush interval, when it is big enough to make a good ClickHouse part.
     */
    boolean worthWritingEarly(Buffer buffer) {
        return buffer.rows() >= settings.batchRows() / 10;
    }

    /** {@code retryAtNanos}: when a failed batch is due again, or null. */
    Duration pollTimeout(Buffer buffer, boolean inFlight, Long retryAtNanos, long nowNanos) {
        long wait = MAX_POLL.toNanos();
        if (inFlight) {
            wait = Math.min(wait, IN_FLIGHT_POLL.toNanos());
        } else if (retryAtNanos != null) {
            wait = Math.min(wait, Math.max(0, retryAtNanos - nowNanos));
        } else if (!buffer.isEmpty()) {
            wait = Math.min(wait, Math.max(0, buffer.startedNanos() + settings.flushInterval().toNanos() - nowNanos));
            if (worthWritingEarly(buffer)) {
                wait = Math.min(wait, QUIET.toNanos());
            }
        }
        return Duration.ofNanos(wait);
    }

    /** A flush failed: how long to wait before the next attempt, doubling up to {@code retryMax}. */
    long backoffNanos() {
        long wait = backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, settings.retryMax().toNanos());
        return wait;
    }

    /** A flush succeeded: the next failure backs off from {@code retryMin} again. */
    void succeeded() {
        backoffNanos = settings.retryMin().toNanos();
    }
}
