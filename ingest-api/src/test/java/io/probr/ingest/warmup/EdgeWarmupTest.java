package io.probr.ingest.warmup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EdgeWarmupTest {

    @Test
    void aRoundWithLittleCompilationSettlesTheJitOnlyAfterTheFirstRounds() {
        assertFalse(EdgeWarmup.settled(1, 0, 1000), "the first rounds run before the compiler has queued anything");
        assertFalse(EdgeWarmup.settled(2, 0, 1000));
        assertTrue(EdgeWarmup.settled(3, 99, 1000));
    }

    @Test
    void aRoundWithATenthOfItsTimeCompilingDoesNotSettleIt() {
        assertFalse(EdgeWarmup.settled(3, 100, 1000));
        assertFalse(EdgeWarmup.settled(30, 1800, 1000), "both compiler threads busy");
    }
}
