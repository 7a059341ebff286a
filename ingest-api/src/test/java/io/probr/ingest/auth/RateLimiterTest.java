package io.probr.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(2, 3, now::get);

    private static ApiKey key(String id, Double rate, Integer burst) {
        return new ApiKey(id, new byte[32], "site", false, Set.of(), rate, burst);
    }

    @Test
    void allowsTheBurstThenAsksToWait() {
        ApiKey key = key("a", null, null);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire(key));
        }
        assertEquals(1, limiter.acquire(key));
    }

    @Test
    void refillsAtTheRate() {
        ApiKey key = key("a", null, null);
        for (int i = 0; i < 3; i++) {
            limiter.acquire(key);
        }
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(0, limiter.acquire(key));
        assertEquals(1, limiter.acquire(key));
    }

    @Test
    void anOlderClockReadingTakesNoTokensBack() {
        ApiKey key = key("a", null, null);
        now.set(TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, limiter.acquire(key));
        now.set(TimeUnit.SECONDS.toNanos(9));
        assertEquals(0, limiter.acquire(key));
        assertEquals(0, limiter.acquire(key));
        assertEquals(1, limiter.acquire(key));
    }

    @Test
    void keysHaveSeparateBucketsAndTheirOwnRates() {
        ApiKey slow = key("slow", 0.1, 1);
        assertEquals(0, limiter.acquire(slow));
        assertEquals(10, limiter.acquire(slow));
        assertEquals(0, limiter.acquire(key("other", null, null)));
    }
}
