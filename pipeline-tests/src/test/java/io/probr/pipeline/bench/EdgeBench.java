package io.probr.pipeline.bench;

import io.probr.stack.launch.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edge against its ceilings, on the running local stack: {@code EdgeBench REPO STATE_DIR EDGE_PORT BARE_PORT
 * KAFKA_BOOTSTRAP ROUNDS SECONDS WARMUP_SECONDS} (./probr bench edge). For the per-event and the batched seed payload, {@code wrk -t1
 * -c32} against the edge and against {@link BareEndpoint} (the same server stack, nothing behind it), after an
 * uncounted warm-up of each; the CPU per request of the server's JVM, the broker and the whole machine from
 * {@code /proc}; then Kafka's ProducerPerformance with the same bytes and the edge's producer settings (the
 * publishing ceiling). Medians over the rounds, then every service's peak RSS. Needs {@code wrk}.
 */
public final class EdgeBench {
    private static final Pattern WRK = Pattern.compile("BENCH requests/s=(\\S+) p50_ms=(\\S+) p99_ms=(\\S+) non2xx=(\\S+) requests=(\\S+)");
    private static final Pattern PERF = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec .*?, ([\\d.]+) ms 50th, "
            + "[\\d.]+ ms 95th, ([\\d.]+) ms 99th");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    private final Path root;
    private final Path state;
    private final int edgePort;
    private final int barePort;
    private final String kafka;
    private final int rounds;
    private final int seconds;
    private final int warmupSeconds;
    private final String key;

    private EdgeBench(String[] args) throws IOException {
        root = Path.of(args[0]);
        state = Path.of(args[1]);
        edgePort = Integer.parseInt(args[2]);
        barePort = Integer.parseInt(args[3]);
        kafka = args[4];
        rounds = Integer.parseInt(args[5]);
        seconds = Integer.parseInt(args[6]);
        warmupSeconds = Integer.parseInt(args[7]);
        key = Files.readString(state.resolve("bench.key")).strip();
    }

    public static void main(String[] args) throws Exception {
        new EdgeBench(args).run();
    }

    private void run() throws Exception {
        Process bare = BareEndpoint.start(barePort, state.resolve("logs/bare.log"));
        Map<String, List<Map<String, Double>>> rows = new LinkedHashMap<>();
        try {
            long edgePid = pid("edge");
            for (String payload : List.of("per-event", "batched")) {
                // not counted: the edge needs ~30 s under load to reach its steady rate (JIT)
                wrk(edgeUrl(), payload, warmupSeconds);
                wrk(bareUrl(), payload, warmupSeconds);
                for (int r = 1; r <= rounds; r++) {
                    measure(rows, payload, "edge", edgeUrl(), edgePid);
                    measure(rows, payload, "bare", bareUrl(), bare.pid());
                }
            }
        } finally {
            bare.destroy();
        }
        for (int r = 1; r <= rounds; r++) {
            Map<String, Double> published = producerPerformance();
            System.out.println("per-event producer-perf " + published);
            rows.computeIfAbsent("per-event producer-perf", k -> new ArrayList<>()).add(published);
        }
        table(rows);
        peakMemory();
    }

    private void measure(Map<String, List<Map<String, Double>>> rows, String payload, String target, String url,
                         long serverPid) throws Exception {
        long[] before = {CpuTime.ticksOf(serverPid), CpuTime.ticksOf(pid("kafka")), CpuTime.machineTicks()};
        Map<String, Double> figures = wrk(url, payload, seconds);
        long[] after = {CpuTime.ticksOf(serverPid), CpuTime.ticksOf(pid("kafka")), CpuTime.machineTicks()};
        // CPU per request, the steadier figure on a shared machine: the server's JVM, the broker, everything
        double perRequest = 1e6 / CLOCK_TICKS / Math.max(1, figures.get("requests"));
        figures.put("server_cpu_us", (after[0] - before[0]) * perRequest);
        figures.put("broker_cpu_us", (after[1] - before[1]) * perRequest);
        figures.put("machine_cpu_us", (after[2] - before[2]) * perRequest);
        System.out.println(payload + " " + target + " " + figures);
        rows.computeIfAbsent(payload + " " + target, k -> new ArrayList<>()).add(figures);
    }

    private Map<String, Double> wrk(String url, String payload, int durationSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t1", "-c32", "-d" + durationSeconds + "s", "-s",
                root.resolve("deploy/bench/post.lua").toString(), url).redirectErrorStream(true);
        builder.environment().put("BODY_FILE", root.resolve("schemas/src/main/resources/examples/" + payload + ".json").toString());
        builder.environment().put("PROBR_KEY", key);
        String output = run(builder);
        Matcher m = WRK.matcher(output);
        if (!m.find()) {
            throw new IOException("wrk printed no BENCH line: " + output);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        String[] names = {"requests/s", "p50_ms", "p99_ms", "non2xx", "requests"};
        for (int i = 0; i < names.length; i++) {
            figures.put(names[i], Double.parseDouble(m.group(i + 1)));
        }
        return figures;
    }

    /** Kafka's own ProducerPerformance (the broker's release) to a topic of its own, deleted after. */
    private Map<String, Double> producerPerformance() throws Exception {
        String classpath = Files.readString(root.resolve("local-stack/target/classes/kafka-broker.classpath")).strip();
        String java = ProcessHandle.current().info().command().orElse("java");
        run(new ProcessBuilder(java, "-cp", classpath, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", kafka,
                "--create", "--if-not-exists", "--topic", "probr.bench.publish", "--partitions", "3", "--replication-factor", "1"));
        try {
            String output = run(new ProcessBuilder(java, "-Xmx512m", "-cp", classpath,
                    "org.apache.kafka.tools.ProducerPerformance", "--topic", "probr.bench.publish", "--num-records",
                    System.getenv().getOrDefault("PROBR_BENCH_PUBLISH_RECORDS", "300000"), "--throughput", "-1",
                    "--payload-file", root.resolve("schemas/src/main/resources/examples/per-event.json").toString(),
                    "--payload-delimiter", "<no delimiter: the whole file>", "--command-property",
                    "bootstrap.servers=" + kafka, "acks=all", "enable.idempotence=true", "compression.type=lz4", "linger.ms=0"));
            Matcher m = PERF.matcher(output);
            if (!m.find()) {
                throw new IOException("ProducerPerformance printed no summary: " + output);
            }
            return new LinkedHashMap<>(Map.of("requests/s", Double.parseDouble(m.group(2)),
                    "p50_ms", Double.parseDouble(m.group(3)), "p99_ms", Double.parseDouble(m.group(4))));
        } finally {
            try {
                // read by nobody, and it would grow with every run
                run(new ProcessBuilder(java, "-cp", classpath, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                        kafka, "--delete", "--topic", "probr.bench.publish"));
            } catch (IOException e) {
                System.out.println("note: could not delete the topic probr.bench.publish");
            }
        }
    }

    private static void table(Map<String, List<Map<String, Double>>> rows) {
        System.out.printf("%-54s %10s %10s %7s%n", "edge vs bare endpoint (wrk -t1 -c32, medians)", "probr", "ceiling", "ratio");
        for (String payload : List.of("per-event", "batched")) {
            List<Map<String, Double>> edge = rows.get(payload + " edge");
            List<Map<String, Double>> bare = rows.get(payload + " bare");
            System.out.printf("%-54s %10.0f %10.0f %6.0f%%%n", payload + " requests/s", median(edge, "requests/s"),
                    median(bare, "requests/s"), 100 * median(edge, "requests/s") / median(bare, "requests/s"));
            System.out.printf("%-54s %10s %10s%n", payload + " p50 / p99 ms", latency(edge), latency(bare));
            System.out.printf("%-54s %10.0f%n", payload + " non-2xx answers (edge)",
                    edge.stream().mapToDouble(r -> r.get("non2xx")).sum());
            System.out.printf("%-54s %10s %10s%n", payload + " CPU us/request: JVM/broker/machine", cpu(edge), cpu(bare));
        }
        List<Map<String, Double>> edge = rows.get("per-event edge");
        List<Map<String, Double>> perf = rows.get("per-event producer-perf");
        System.out.printf("%-54s %10.0f %10.0f %6.0f%%%n", "per-event records published/s vs ProducerPerformance",
                median(edge, "requests/s"), median(perf, "requests/s"), 100 * median(edge, "requests/s") / median(perf, "requests/s"));
    }

    private static String latency(List<Map<String, Double>> runs) {
        return String.format("%.1f/%.1f", median(runs, "p50_ms"), median(runs, "p99_ms"));
    }

    private static String cpu(List<Map<String, Double>> runs) {
        return String.format("%.0f/%.0f/%.0f", median(runs, "server_cpu_us"), median(runs, "broker_cpu_us"),
                median(runs, "machine_cpu_us"));
    }

    private static double median(List<Map<String, Double>> runs, String key) {
        return median(runs.stream().map(r -> r.get(key)).toList());
    }

    /** The benchmarks' median: the middle value, or the mean of the two middle ones. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Peak RSS (VmHWM) per service, summed over its processes: the broker and ClickHouse run under a launcher. */
    private void peakMemory() throws IOException {
        System.out.println("peak RSS per running service (VmHWM summed over its processes; the aggregator and the sink"
                + " are stopped during this benchmark):");
        for (String service : List.of("kafka", "clickhouse", "edge", "aggregator", "sink")) {
            Optional<Long> first = new ServiceProcess(service, state.resolve("run")).pid();
            if (first.isEmpty()) {
                continue;
            }
            List<Long> processes = CpuTime.processTree(first.get());
            if (processes.isEmpty()) {
                continue;
            }
            long kb = 0;
            for (long pid : processes) {
                Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(procFile(pid, "status"));
                kb += m.find() ? Long.parseLong(m.group(1)) : 0;
            }
            System.out.printf("  %-12s %6d MB%n", service, kb / 1024);
        }
    }

    private static String procFile(long pid, String name) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), name));
        } catch (IOException gone) {
            return "";
        }
    }

    private long pid(String service) {
        return new ServiceProcess(service, state.resolve("run")).pid().orElseThrow(
                () -> new IllegalStateException(service + " is not running"));
    }

    private String edgeUrl() {
        return "http://127.0.0.1:" + edgePort + "/ingest";
    }

    private String bareUrl() {
        return "http://127.0.0.1:" + barePort + "/ingest";
    }

    private static String run(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", builder.command().subList(0, Math.min(4, builder.command().size())))
                    + " failed: " + output);
        }
        return output;
    }
}
