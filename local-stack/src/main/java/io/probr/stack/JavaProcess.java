package io.probr.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's {@code main} run as a child JVM on the caller's classpath, so tests can crash it for real
 * ({@link #kill()} is SIGKILL: no shutdown hook, no clean close) and start it again.
 */
public final class JavaProcess implements AutoCloseable {
    private final String mainClass;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    public JavaProcess(String mainClass, Map<String, String> env, Path log) {
        this.mainClass = mainClass;
        this.env = Map.copyOf(env);
        this.log = log;
    }

    public synchronized void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash: the process gets no chance to commit, flush or close anything. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    /** SIGTERM, letting shutdown hooks run. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
