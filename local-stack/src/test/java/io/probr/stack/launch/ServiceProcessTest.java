package io.probr.stack.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.stack.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a shell that starts a child, as Kafka's wrapper JVM starts the broker. */
class ServiceProcessTest {
    @Test
    void aKilledFirstProcessLeavesItsChildFoundAndStopStopsIt(@TempDir Path dir) throws Exception {
        ServiceProcess service = new ServiceProcess("demo", dir.resolve("run"));
        assertFalse(service.running());
        service.start(List.of("bash", "-c", "sleep 300 & wait"), Map.of(), dir.resolve("logs/demo.log"));
        long first = service.pid().orElseThrow();
        Poll.until("the child", () -> service.leftovers().size() == 1);
        assertTrue(service.running());
        assertEquals(first, ServiceProcess.ProcStat.of(first).orElseThrow().group(), "a group of its own");

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        Poll.until("the first process gone", () -> !service.running());
        assertTrue(service.leftBehind(), "the child still runs");
        long child = service.leftovers().get(0);

        assertTrue(service.stop());
        // a zombie until whoever adopted it reaps it, which is stopped all the same
        assertFalse(ServiceProcess.ProcStat.of(child).map(ServiceProcess.ProcStat::alive).orElse(false),
                "the child is stopped");
        assertFalse(Files.exists(dir.resolve("run/demo.pid")));
        assertFalse(service.stop(), "nothing left to stop");
    }
}
