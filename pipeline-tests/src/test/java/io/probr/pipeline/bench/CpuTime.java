package io.probr.pipeline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** CPU time consumed so far, in nanoseconds. */
final class CpuTime {
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux
    /** C1 and C2 compiler threads, as {@link #byThread} names them. */
    static final String JIT_THREADS = "CN CompilerThre";

    private CpuTime() {
    }

    static long ofThisJvm() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU nanoseconds per thread of this process, JVM threads included (GC, JIT), by name with digits folded. */
    static Map<String, Long> byThread() throws IOException {
        Map<String, Long> byName = new HashMap<>();
        ticksByName(Path.of("/proc/self/task"), "*").forEach((name, ticks) ->
                byName.merge(name.replaceAll("\\d+", "N"), ticks * NANOS_PER_TICK, Long::sum));
        return byName;
    }

    /** The busiest threads between two snapshots (threads that ended in between are not counted). */
    static String describe(Map<String, Long> began, Map<String, Long> ended) {
        StringBuilder text = new StringBuilder();
        ended.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - began.getOrDefault(e.getKey(), 0L)) / 1e9))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
                .forEach(e -> text.append(text.isEmpty() ? "" : ", ")
                        .append(String.format("%s %.2f s", e.getKey(), e.getValue())));
        return text.toString();
    }

    /** Summed over the clickhouse-server processes, from /proc (utime + stime). */
    static long ofClickHouse() throws IOException {
        return ticksByName(Path.of("/proc"), "[0-9]*").getOrDefault("clickhouse-serv", 0L) * NANOS_PER_TICK;
    }

    /** utime + stime in clock ticks of every process or thread under {@code dir}, summed by its name. */
    private static Map<String, Long> ticksByName(Path dir, String glob) throws IOException {
        Map<String, Long> byName = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path entry : entries) {
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                byName.merge(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks(stat), Long::sum);
            }
        }
        return byName;
    }

    /** utime + stime of a /proc stat line, after the parenthesised name (which may hold spaces). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU time (user + system) so far of a process and its descendants, in clock ticks (1/100 s). */
    static long ticksOf(long pid) {
        long ticks = 0;
        for (long p : processTree(pid)) {
            try {
                ticks += ticks(Files.readString(Path.of("/proc", Long.toString(p), "stat")));
            } catch (IOException gone) {
                // ended meanwhile
            }
        }
        return ticks;
    }

    /** A process and its descendants (the broker and ClickHouse run under a launcher). */
    static List<Long> processTree(long pid) {
        return ProcessHandle.of(pid).map(h -> Stream.concat(Stream.of(h), h.descendants()).map(ProcessHandle::pid)
                .toList()).orElse(List.of());
    }

    /** The whole machine's busy time (user, nice, system, irq, softirq), in clock ticks. */
    static long machineTicks() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).split("\\s+");
        return Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]) + Long.parseLong(cpu[6])
                + Long.parseLong(cpu[7]);
    }
}
