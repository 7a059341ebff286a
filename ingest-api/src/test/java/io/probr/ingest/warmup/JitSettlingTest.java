package io.probr.ingest.warmup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitSettlingTest {

    @Test
    void twoQuietRoundsInARowSettleTheJit() {
        JitSettling settling = new JitSettling();
        assertFalse(settling.roundDone(1300, 1000));
        assertFalse(settling.roundDone(99, 1000), "one quiet round may be a lull");
        assertTrue(settling.roundDone(50, 1000));
    }

    @Test
    void aBusyRoundStartsTheCountAgain() {
        JitSettling settling = new JitSettling();
        assertFalse(settling.roundDone(0, 1000));
        assertFalse(settling.roundDone(1750, 1000), "both compiler threads busy");
        assertFalse(settling.roundDone(0, 1000));
        assertTrue(settling.roundDone(0, 1000));
    }

    @Test
    void aTenthOfTheRoundCompilingIsNotQuiet() {
        JitSettling settling = new JitSettling();
        assertFalse(settling.roundDone(100, 1000));
        assertFalse(settling.roundDone(100, 1000));
    }
}
