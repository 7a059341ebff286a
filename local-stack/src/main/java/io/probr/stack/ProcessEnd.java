package io.probr.stack;

import java.util.concurrent.TimeUnit;

/** How the launchers end a child process: orderly (SIGTERM, then SIGKILL after a grace) or as a crash. */
final class ProcessEnd {
    private ProcessEnd() {
    }

    static void end(Process process, boolean forcibly, long graceSeconds) throws InterruptedException {
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
