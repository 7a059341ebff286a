package io.probr.stack.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One service of the local stack as processes: its first process, started in a session of its own and named by
 * {@code run/NAME.pid}, and whatever that process started (the broker behind Kafka's wrapper JVM, ClickHouse's
 * server). A {@code kill -9} of the first process leaves those running; they are still found by their process
 * group, which is the first process's pid, so {@link #stop()} ends them too. Linux only (reads {@code /proc}).
 */
public final class ServiceProcess {
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path pidFile;

    public ServiceProcess(String name, Path runDirectory) {
        this.name = name;
        this.pidFile = runDirectory.resolve(name + ".pid");
    }

    public String name() {
        return name;
    }

    public Optional<Long> pid() {
        try {
            return Files.isRegularFile(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The first process is alive (a killed process can linger as a zombie: not alive). */
    public boolean running() {
        return pid().flatMap(ProcStat::of).map(ProcStat::alive).orElse(false);
    }

    /** Live processes of the service's process group other than its first process. */
    public List<Long> leftovers() {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return List.of();
        }
        return ProcStat.all().filter(p -> p.group() == pid.get() && p.pid() != pid.get() && p.alive())
                .map(ProcStat::pid).toList();
    }

    /** The first process is gone; processes it started are not. */
    public boolean leftBehind() {
        return !running() && !leftovers().isEmpty();
    }

    /** Starts {@code command} in a session of its own, output to {@code log}, and records its pid. */
    public void start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        Files.createDirectories(pidFile.getParent());
        Files.createDirectories(log.getParent());
        List<String> inSession = new ArrayList<>();
        // not a process group leader when started from here, so setsid runs the command in this same process
        inSession.add("setsid");
        inSession.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(inSession).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
    }

    /** Stops every process of the service's group, its first process gone or not; true when any ran. */
    public boolean stop() throws IOException, InterruptedException {
        boolean any = running() || leftBehind();
        if (any) {
            long group = pid().orElseThrow();
            signalAll(group, false);
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            while (!members(group).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            signalAll(group, true);
        }
        Files.deleteIfExists(pidFile);
        return any;
    }

    private static List<ProcessHandle> members(long group) {
        return ProcStat.all().filter(p -> p.group() == group && p.alive())
                .flatMap(p -> ProcessHandle.of(p.pid()).stream()).toList();
    }

    private static void signalAll(long group, boolean kill) {
        for (ProcessHandle member : members(group)) {
            if (kill) {
                member.destroyForcibly();
            } else {
                member.destroy();
            }
        }
    }

    /** The fields of {@code /proc/PID/stat} the launcher needs. */
    record ProcStat(long pid, char state, long group) {
        boolean alive() {
            return state != 'Z' && state != 'X';
        }

        static Optional<ProcStat> of(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // "PID (COMMAND) STATE PPID PGRP ...": the command may hold spaces and parentheses
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Optional.of(new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[2])));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();   // gone, or not ours to read
            }
        }

        static Stream<ProcStat> all() {
            try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
                return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                        .map(Long::parseLong).map(ProcStat::of).flatMap(Optional::stream).toList().stream();
            } catch (IOException e) {
                return Stream.empty();
            }
        }
    }
}
