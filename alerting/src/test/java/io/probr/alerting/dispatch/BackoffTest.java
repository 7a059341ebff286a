package io.probr.alerting.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.config.Webhook;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(1000);
    private final Webhook.RetryConfig retry = new Webhook.RetryConfig(5, 2, 30_000);

    @Test
    void eachDelayIsTheMultiplierTimesTheOneBeforeUpToMaxDelay() {
        assertEquals(1000, backoff.delayAfter(1, retry, null));
        assertEquals(2000, backoff.delayAfter(2, retry, null));
        assertEquals(16_000, backoff.delayAfter(5, retry, null));
        assertEquals(30_000, backoff.delayAfter(6, retry, null));
    }

    @Test
    void retryAfterIsHonouredWhenLongerButNeverBeyondMaxDelay() {
        assertEquals(7000, backoff.delayAfter(1, retry, 7L));
        assertEquals(2000, backoff.delayAfter(2, retry, 1L), "shorter than the backoff: the backoff");
        assertEquals(30_000, backoff.delayAfter(1, retry, 3600L));
    }
}
