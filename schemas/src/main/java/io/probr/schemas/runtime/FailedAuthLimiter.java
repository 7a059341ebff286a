package io.probr.schemas.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed authentications (edge keys, API tokens) per client address: a burst of {@code burst}, then one per {@code refillMs}. Beyond it the
 * address is answered 429 before any key or token is looked at, so guessing costs the guesser time. At
 * {@code maxAddresses}, addresses whose bucket has refilled are forgotten; if none has, a new address is not
 * tracked (so a flood from many addresses neither grows the table nor resets the addresses already limited).
 */
public final class FailedAuthLimiter {
    private final int burst;
    private final long refillNanos;
    private final int maxAddresses;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private record Bucket(double tokens, long atNanos) {
    }

    public FailedAuthLimiter(int burst, long refillMs, int maxAddresses, LongSupplier nanoClock) {
        this.burst = burst;
        this.refillNanos = refillMs * 1_000_000;
        this.maxAddresses = maxAddresses;
        this.nanoClock = nanoClock;
    }

    /** Seconds the address must wait before its next attempt, or 0 when it may try. */
    public long retryAfterSeconds(String address) {
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            return 0;
        }
        double tokens = refilled(bucket, nanoClock.getAsLong());
        return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) * refillNanos / 1e9));
    }

    /** Counts a failed check against the address. */
    public void failed(String address) {
        long now = nanoClock.getAsLong();
        if (buckets.size() >= maxAddresses && !buckets.containsKey(address)) {
            buckets.values().removeIf(b -> refilled(b, now) >= burst);
            if (buckets.size() >= maxAddresses) {
                return;
            }
        }
        buckets.compute(address, (k, b) -> new Bucket((b == null ? burst : refilled(b, now)) - 1, now));
    }

    private double refilled(Bucket bucket, long now) {
        return Math.min(burst, bucket.tokens() + (now - bucket.atNanos()) / (double) refillNanos);
    }
}
