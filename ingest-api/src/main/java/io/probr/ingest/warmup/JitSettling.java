package io.probr.ingest.warmup;

/**
 * Tells, round after round of warm-up load, when the JIT compiler has settled: two rounds in a row in which it
 * compiled for less than a tenth of the round's wall time. One quiet round is not enough: on two busy cores the
 * compile time per one-second round went 1,300, 600, 1,750 ms.
 */
final class JitSettling {
    private static final double QUIET_COMPILE_SHARE = 0.1;
    private static final int QUIET_ROUNDS = 2;

    private int quietInARow;

    /** Records one round; true once the JIT counts as settled. */
    boolean roundDone(long compileMs, long wallMs) {
        quietInARow = compileMs < QUIET_COMPILE_SHARE * wallMs ? quietInARow + 1 : 0;
        return quietInARow >= QUIET_ROUNDS;
    }
}
