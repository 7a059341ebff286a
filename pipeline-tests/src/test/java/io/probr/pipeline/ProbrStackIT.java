package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.stack.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./probr} manages what it starts: a service whose first process is killed (kill -9 of the pid in its
 * pid file) leaves no orphan behind that blocks {@code up} or survives {@code down}. The whole local stack, on
 * ports of its own and a state directory of its own.
 */
class ProbrStackIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("kafka", "clickhouse", "edge", "aggregator", "sink");

    record Run(int status, String output) {
    }

    @Test
    void aKilledServiceIsReportedRestartedByUpAndEverythingIsStoppedByDown(@TempDir Path home) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PROBR_HOME", home.toString()));
        for (String port : List.of("PROBR_KAFKA_PORT", "PROBR_KAFKA_CONTROLLER_PORT", "PROBR_CLICKHOUSE_HTTP_PORT",
                "PROBR_CLICKHOUSE_TCP_PORT", "PROBR_EDGE_PORT", "PROBR_SINK_PORT", "PROBR_AGGREGATOR_PORT", "PROBR_API_PORT", "PROBR_ALERTING_PORT")) {
            env.put(port, Integer.toString(freePort()));
        }
        try {
            Run up = probr(env, "up");
            assertEquals(0, up.status(), up.output());
            assertTrue(up.output().contains("aggregator: http://127.0.0.1:" + env.get("PROBR_AGGREGATOR_PORT")
                    + "/metrics"), up.output());
            String apiUrl = "http://127.0.0.1:" + env.get("PROBR_API_PORT");
            assertTrue(up.output().contains("api: " + apiUrl), up.output());
            assertTrue(up.output().contains("dashboard: " + apiUrl + "/"), up.output());
            assertTrue(up.output().contains("alerting: http://127.0.0.1:" + env.get("PROBR_ALERTING_PORT") + "/metrics"),
                    up.output());
            String token = up.output().lines().filter(l -> l.startsWith("admin token: pa_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no admin token in " + up.output())).substring(13);
            assertEquals(200, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(apiUrl + "/v1/sites")).header("Authorization", "Bearer " + token).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode(), "the printed admin token works");
            long kafka = pid(home, "kafka");
            assertTrue(ProcessHandle.of(kafka).orElseThrow().descendants().findAny().isPresent(),
                    "the kafka service runs its broker as a child");

            new ProcessBuilder("kill", "-9", Long.toString(kafka)).start().waitFor();
            // the signal is delivered a moment later
            Poll.until("status to see kafka's first process gone", Duration.ofSeconds(10),
                    () -> probr(env, "status").output().contains("kafka: stopped"));
            Run status = probr(env, "status");
            assertTrue(status.output().contains("kafka: stopped, but 1 process(es) it started still run"),
                    status.output());

            Run again = probr(env, "up");
            assertEquals(0, again.status(), again.output());
            assertTrue(again.output().contains("kafka: its first process had died; stopping what it left running"),
                    again.output());
            assertTrue(probr(env, "status").output().contains("kafka: running"));
        } finally {
            Map<String, Long> pids = new HashMap<>();
            for (String service : SERVICES) {
                Path file = home.resolve("run/" + service + ".pid");
                if (Files.exists(file)) {
                    pids.put(service, pid(home, service));
                }
            }
            Run down = probr(env, "down");
            assertEquals(0, down.status(), down.output());
            for (Map.Entry<String, Long> service : pids.entrySet()) {
                assertEquals("", group(service.getValue()), service.getKey() + " left processes behind");
            }
        }
    }

    private static Run probr(Map<String, String> env, String command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("probr", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("probr").toString(), command)
                    .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            assertTrue(process.waitFor(300, TimeUnit.SECONDS), "probr " + command + " still running after 300 s");
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static long pid(Path home, String service) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("run/" + service + ".pid")).strip());
    }

    /** The live processes of a session's process group, as pgrep lists them (zombies left out). */
    private static String group(long pgid) throws IOException, InterruptedException {
        Process pgrep = new ProcessBuilder("pgrep", "-g", Long.toString(pgid), "-r", "D,R,S,T,t,I").start();
        pgrep.waitFor(10, TimeUnit.SECONDS);
        return new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
