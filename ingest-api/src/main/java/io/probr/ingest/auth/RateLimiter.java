package io.probr.ingest.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per key: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. In
 * memory and per edge instance, so N edges behind a load balancer allow N times the rate.
 */
public final class RateLimiter {
    private final double defaultRate;
    private final int defaultBurst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double defaultRatePerSecond, int defaultBurst, LongSupplier nanoClock) {
        if (defaultRatePerSecond <= 0 || defaultBurst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.defaultRate = defaultRatePerSecond;
        this.defaultBurst = defaultBurst;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for {@code key}: 0 when allowed, otherwise the whole seconds to wait (at least 1). */
    public long acquire(ApiKey key) {
        double rate = key.ratePerSecond() != null && key.ratePerSecond() > 0 ? key.ratePerSecond() : defaultRate;
        int burst = key.burst() != null && key.burst() > 0 ? key.burst() : defaultBurst;
        Bucket bucket = buckets.computeIfAbsent(key.id(), id -> new Bucket(burst, nanoClock.getAsLong()));
        return bucket.acquire(rate, burst, nanoClock);
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.lastNanos = now;
        }

        /**
         * Reads the clock under the lock: a reading taken before it, older than the last holder's, took tokens
         * back, and a fresh edge under a burst (threads waiting long for the lock) answered 429 to a key
         * allowed a million a second. An older reading still refills nothing rather than taking back.
         */
        synchronized long acquire(double rate, int burst, LongSupplier clock) {
            long now = clock.getAsLong();
            if (now > lastNanos) {
                tokens = Math.min(burst, tokens + (now - lastNanos) * rate / TimeUnit.SECONDS.toNanos(1));
                lastNanos = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
        }
    }
}
