package io.probr.stack;

import java.time.Duration;
import java.time.Instant;

/** Waits for a condition by polling it, with a deadline: synchronisation on state, never on a fixed sleep. */
public final class Poll {
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {
    }

    public static void until(String what, Condition condition) throws Exception {
        until(what, Duration.ofSeconds(30), condition);
    }

    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
