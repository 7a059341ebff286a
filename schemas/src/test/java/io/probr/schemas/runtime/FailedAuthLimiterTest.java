package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final FailedAuthLimiter limiter = new FailedAuthLimiter(3, 2000, 1000, now::get);

    @Test
    void anAddressMayFailItsBurstThenWaitsForTheRefill() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.retryAfterSeconds("10.0.0.1"));
            limiter.failed("10.0.0.1");
        }
        assertEquals(2, limiter.retryAfterSeconds("10.0.0.1"));
        assertEquals(0, limiter.retryAfterSeconds("10.0.0.2"), "other addresses are not affected");
        now.addAndGet(1_500_000_000L);
        assertEquals(1, limiter.retryAfterSeconds("10.0.0.1"));
        now.addAndGet(500_000_000L);
        assertEquals(0, limiter.retryAfterSeconds("10.0.0.1"));
    }

    @Test
    void aFullTableForgetsRefilledAddressesButNeverTheLimitedOnes() {
        FailedAuthLimiter small = new FailedAuthLimiter(1, 60_000, 2, now::get);
        small.failed("a");
        small.failed("b");
        small.failed("c"); // nothing has refilled: c is not tracked, a and b stay limited
        assertEquals(60, small.retryAfterSeconds("a"));
        assertEquals(0, small.retryAfterSeconds("c"));
        now.addAndGet(60_000_000_000L); // a and b refilled
        small.failed("c");
        assertEquals(60, small.retryAfterSeconds("c"));
        assertEquals(0, small.retryAfterSeconds("a"));
    }
}
