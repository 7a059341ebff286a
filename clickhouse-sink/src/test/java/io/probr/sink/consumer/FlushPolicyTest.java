package io.probr.sink.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlushPolicyTest {
    private static final long MS = 1_000_000L;
    private static final long T = 1_000_000 * MS;   // any nanoTime
    private final FlushPolicy policy = new FlushPolicy(new SinkLoop.Settings(1_000, Duration.ofSeconds(1),
            Duration.ofMillis(500), Duration.ofSeconds(4)));

    @Test
    void aFullBatchOrTheEndOfTheFlushIntervalFlushes() {
        assertTrue(policy.flushDue(new FlushPolicy.Buffer(1_000, T), false, T));
        assertFalse(policy.flushDue(new FlushPolicy.Buffer(999, T), false, T + 999 * MS));
        assertTrue(policy.flushDue(new FlushPolicy.Buffer(1, T), false, T + 1_000 * MS));
        assertFalse(policy.flushDue(FlushPolicy.Buffer.EMPTY, true, T + 10_000 * MS));
    }

    @Test
    void aQuietMomentFlushesATenthOfABatchButNotLess() {
        assertTrue(policy.flushDue(new FlushPolicy.Buffer(100, T), true, T + MS));
        assertFalse(policy.flushDue(new FlushPolicy.Buffer(99, T), true, T + MS));
        assertFalse(policy.flushDue(new FlushPolicy.Buffer(100, T), false, T + MS));
        assertTrue(FlushPolicy.quiet(true, Duration.ofMillis(50)));
        assertFalse(FlushPolicy.quiet(true, Duration.ofMillis(5)), "a short poll proves nothing");
        assertFalse(FlushPolicy.quiet(false, Duration.ofMillis(500)));
    }

    @Test
    void aPollWaitsNoLongerThanWhatComesNext() {
        assertEquals(Duration.ofMillis(500), policy.pollTimeout(FlushPolicy.Buffer.EMPTY, false, null, T));
        assertEquals(Duration.ofMillis(5), policy.pollTimeout(new FlushPolicy.Buffer(10, T), true, null, T));
        assertEquals(Duration.ofMillis(200), policy.pollTimeout(FlushPolicy.Buffer.EMPTY, false, T + 200 * MS, T));
        assertEquals(Duration.ZERO, policy.pollTimeout(FlushPolicy.Buffer.EMPTY, false, T - MS, T));
        assertEquals(Duration.ofMillis(300), policy.pollTimeout(new FlushPolicy.Buffer(10, T), false, null,
                T + 700 * MS));
        assertEquals(Duration.ofMillis(50), policy.pollTimeout(new FlushPolicy.Buffer(100, T), false, null, T));
    }

    @Test
    void failuresBackOffDoublingUpToTheMaximumAndASuccessStartsOver() {
        assertEquals(500 * MS, policy.backoffNanos());
        assertEquals(1_000 * MS, policy.backoffNanos());
        assertEquals(2_000 * MS, policy.backoffNanos());
        assertEquals(4_000 * MS, policy.backoffNanos());
        assertEquals(4_000 * MS, policy.backoffNanos());
        policy.succeeded();
        assertEquals(500 * MS, policy.backoffNanos());
    }
}
