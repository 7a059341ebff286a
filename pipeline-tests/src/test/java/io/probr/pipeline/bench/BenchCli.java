package io.probr.pipeline.bench;

import io.probr.sink.replay.LiveGroups;
import io.probr.stack.Poll;
import io.probr.stack.launch.LocalStack;
import io.probr.stack.launch.Readiness;
import io.probr.stack.launch.StackException;
import io.probr.stack.launch.StackSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code ./probr bench [edge|aggregator|sink|e2e|flood|all]}: {@code BenchCli ROOT WHAT}. Runs the benchmarks
 * against the running local stack, each in a JVM of its own on this classpath. The stack's aggregator and sink
 * are stopped while they would share the two cores with a benchmark, then started again and waited for until
 * they have caught up. Settings: the {@code PROBR_BENCH_*} variables (docs/operations.md).
 */
public final class BenchCli {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final StackSettings stack;
    private final LocalStack local;
    private final Map<String, String> env;

    private BenchCli(Path root, Map<String, String> env) {
        this.env = env;
        this.stack = StackSettings.fromEnv(root, env);
        this.local = new LocalStack(stack, System.out);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !List.of("edge", "aggregator", "sink", "e2e", "flood", "all").contains(args[1])) {
            System.err.println("Usage: BenchCli ROOT edge|aggregator|sink|e2e|flood|all");
            System.exit(2);
        }
        try {
            System.exit(new BenchCli(Path.of(args[0]), System.getenv()).run(args[1]));
        } catch (IllegalStateException | StackException e) {
            System.err.println("probr bench: " + e.getMessage());
            System.exit(1);
        }
    }

    private int run(String what) throws Exception {
        if (!local.ready("edge") || !local.ready("sink")) {
            throw new IllegalStateException("the stack is not running: ./probr up first");
        }
        boolean all = what.equals("all");
        int status = 0;
        if (all || what.equals("aggregator") || what.equals("sink")) {
            // the stack's own aggregator and sink would process the pre-filled events on the same two cores
            stopAggregatorAndSink();
        }
        String events = setting("PROBR_BENCH_EVENTS", "200000");
        if (all || what.equals("aggregator")) {
            System.out.println("== aggregator: " + events + " pre-filled events through a fresh aggregator");
            status |= bench("io.probr.aggregator.bench.AggregatorBench", stack.kafkaBootstrap(), events);
        }
        if (all || what.equals("sink")) {
            System.out.println("== sink: " + events + " pre-filled events through a fresh sink, against clickhouse-client");
            status |= bench(SinkBench.class.getName(), stack.kafkaBootstrap(), stack.clickHouseUrl(),
                    Integer.toString(stack.clickHouseTcpPort()), events, setting("PROBR_BENCH_ROUNDS", "3"),
                    setting("PROBR_BENCH_SINK_WARMUPS", "5"));
        }
        if (!local.running("sink") || !local.running("aggregator")) {
            System.out.println("restarting the aggregator and the sink; waiting until they have caught up");
            restartAndCatchUp();
        }
        if (all || what.equals("e2e")) {
            String rate = setting("PROBR_BENCH_RATE", "200");
            String seconds = setting("PROBR_BENCH_SECONDS", "20");
            System.out.println("== end to end: " + rate + " events/s for " + seconds + " s, edge 200 -> row visible");
            status |= bench(EndToEndBench.class.getName(), stack.url(stack.edgePort()), benchKey(),
                    stack.clickHouseUrl(), rate, seconds);
        }
        if (what.equals("flood")) {
            System.out.println("== flood: 200 events/s alone and beside 5000 req/s of bad keys, in turns, then beside"
                    + " a full-speed flood, then an overload");
            status |= bench(FloodBench.class.getName(), stack.host(), Integer.toString(stack.edgePort()), benchKey(),
                    stack.kafkaBootstrap(), setting("PROBR_BENCH_SECONDS", "20"),
                    setting("PROBR_BENCH_OVERLOAD_CONNECTIONS", "1024"), setting("PROBR_BENCH_ROUNDS", "3"),
                    stack.state().toString(), barePort());
        }
        // last: it leaves millions of events (the seed's 2024 timestamp: late corrections all) for the aggregator
        // and the sink to catch up on, which would load the two cores under the other benchmarks
        if (all || what.equals("edge")) {
            status |= edge();
        }
        return status;
    }

    /** The edge against its ceilings; the aggregator and the sink, which process every posted event, stopped. */
    private int edge() throws Exception {
        if (!onPath("wrk")) {
            throw new IllegalStateException("wrk not found: apt-get install wrk");
        }
        benchKey();
        String barePort = barePort();
        stopAggregatorAndSink();
        try {
            return bench(EdgeBench.class.getName(), stack.root().toString(), stack.state().toString(),
                    Integer.toString(stack.edgePort()), barePort, stack.kafkaBootstrap(), setting("PROBR_BENCH_ROUNDS", "3"),
                    setting("PROBR_BENCH_SECONDS", "10"), setting("PROBR_BENCH_WARMUP_SECONDS", "30"));
        } finally {
            System.out.println("restarting the aggregator and the sink; they catch up on what the benchmark posted");
            restart();
        }
    }

    /** The port of the bare endpoint that stands for the HTTP ceiling (edge and flood benchmarks), if free. */
    private String barePort() {
        String port = setting("PROBR_BENCH_BARE_PORT", "18099");
        if (!Readiness.portFree(stack.host(), Integer.parseInt(port))) {
            throw new IllegalStateException("port " + port + " is taken; set PROBR_BENCH_BARE_PORT");
        }
        return port;
    }

    private void stopAggregatorAndSink() throws IOException, InterruptedException {
        local.stop("sink");
        local.stop("aggregator");
    }

    /** Starts what is not running, without printing where everything is. */
    private void restart() throws IOException, InterruptedException {
        new LocalStack(stack, new PrintStream(OutputStream.nullOutputStream())).up();
    }

    private void restartAndCatchUp() throws Exception {
        restart();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            LiveGroups groups = new LiveGroups(admin, "", "", Duration.ZERO, System.out);
            for (String group : List.of("probr-aggregator", "probr-clickhouse-sink")) {
                Poll.until(group + " caught up", Duration.ofSeconds(900), () -> groups.behind(group) == 0);
            }
        }
    }

    /** The benchmarks' key, not rate-limited, made once and kept in the state directory. */
    private String benchKey() throws Exception {
        String key = local.key("bench.key", "--site", "bench", "--label", "benchmark key", "--rate", "1000000",
                "--burst", "1000000");
        // the edge reads its key file again every 2 s: an empty body is refused for its content, not its key
        Poll.until("the edge to know the benchmark key", Duration.ofSeconds(30), () -> HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.url(stack.edgePort()) + "/ingest")).header("X-Probr-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 400);
        return key;
    }

    private int bench(String mainClass, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private String setting(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
