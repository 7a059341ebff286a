package io.probr.pipeline.bench;

import io.probr.stack.launch.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The edge under abuse, on the running local stack: {@code FloodBench HOST PORT KEY KAFKA SECONDS CONNECTIONS
 * ROUNDS STATE_DIR BARE_PORT}. A legitimate sender posts 200 events/s with KEY (from 127.0.0.1) and its latency is measured: alone
 * and beside a flood of bad keys paced at 5,000 req/s (from 127.0.0.2), in turns for ROUNDS rounds, then beside
 * the same flood at full speed (64 connections). Then what a refusal costs: the CPU per request of the edge
 * and of {@link BareEndpoint} (the same server stack answering 200 with nothing behind it) under the paced flood.
 * Then an overload: KEY posted at full speed on CONNECTIONS connections (from 127.0.0.3), far past
 * what the edge can publish, counting the answers and checking that every 200 is a record on probr.events.v1.
 */
public final class FloodBench {
    private static final String EVENTS_TOPIC = "probr.events.v1";
    private static final String BAD_KEY = "pk_live_flood0000000000000000000000";

    private final String host;
    private final int port;
    private final String key;
    private final long seconds;
    private final int overloadConnections;
    private final int rounds;
    private final Path state;
    private final int barePort;

    private FloodBench(String host, int port, String key, long seconds, int overloadConnections, int rounds,
            Path state, int barePort) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.seconds = seconds;
        this.overloadConnections = overloadConnections;
        this.rounds = rounds;
        this.state = state;
        this.barePort = barePort;
    }

    public static void main(String[] args) throws Exception {
        FloodBench bench = new FloodBench(args[0], Integer.parseInt(args[1]), args[2], Long.parseLong(args[4]),
                Integer.parseInt(args[5]), Integer.parseInt(args[6]), Path.of(args[7]), Integer.parseInt(args[8]));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[3]))) {
            bench.run(admin);
        }
    }

    private void run(Admin admin) throws Exception {
        legitimateAlongside(null); // warm-up: the JIT, the connections, the producer's batches
        // quiet and paced floods in turns, so all see the same shared machine; medians over the rounds
        List<Double> quietP99 = new ArrayList<>();
        List<Double> pacedP99 = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Latencies quiet = legitimateAlongside(null);
            report("round " + round + " quiet", quiet, null);
            Flood paced = new Flood(host, port, "127.0.0.2", 16, 5000, request(host, BAD_KEY, body("GTM-FLOOD")));
            Latencies beside = legitimateAlongside(paced);
            report("round " + round + " 401 flood at 5000 req/s", beside, paced);
            quietP99.add(quiet.percentile(99));
            pacedP99.add(beside.percentile(99));
        }
        double quiet = EdgeBench.median(quietP99);
        double paced = EdgeBench.median(pacedP99);
        System.out.printf("BENCH legitimate p99, median of %d rounds: quiet %.1f ms, beside 5000 req/s of bad keys %.1f ms"
                + " (%.1fx)%n", rounds, quiet, paced, paced / quiet);
        Flood full = new Flood(host, port, "127.0.0.2", 64, 0, request(host, BAD_KEY, body("GTM-FLOOD")));
        report("401 flood at full speed", legitimateAlongside(full), full);
        cpuPerRequest();

        long before = endOffsets(admin);
        Flood overload = new Flood(host, port, "127.0.0.3", overloadConnections, 0, request(host, key, body("GTM-OVERLOAD")));
        overload.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        overload.stop();
        Thread.sleep(5000); // the publishes in hand finish or time out (4 s)
        long stored = endOffsets(admin) - before;
        long accepted = overload.statuses().getOrDefault(200, 0L);
        System.out.printf("BENCH overload, " + overloadConnections + " connections: %.0f req/s answered, statuses %s, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " 200s %d, records stored %d (%s)%n", overload.answered() / (double) seconds, overload.statuses(),
                overload.latencies.percentile(50), overload.latencies.percentile(99), overload.latencies.percentile(100),
                accepted, stored, accepted == stored ? "every 200 stored" : "MISMATCH");
    }

    /** CPU per request of the edge refusing the paced flood, and of the bare endpoint answering it with 200. */
    private void cpuPerRequest() throws Exception {
        long edgePid = new ServiceProcess("edge", state.resolve("run")).pid().orElseThrow(
                () -> new IllegalStateException("the edge is not running"));
        Process bare = BareEndpoint.start(barePort, state.resolve("logs/bare.log"));
        try {
            flood(barePort, bare.pid(), 10); // not counted: the bare endpoint's JIT
            double edge = flood(port, edgePid, seconds);
            double ceiling = flood(barePort, bare.pid(), seconds);
            System.out.printf("BENCH CPU per request at a paced 5000 req/s on 16 connections: the edge refusing bad keys"
                    + " %.0f us, the bare endpoint (same server stack) answering 200 %.0f us%n", edge, ceiling);
        } finally {
            bare.destroy();
        }
    }

    /** The paced bad-key flood against a port for some seconds: the server's CPU per answered request, in µs. */
    private double flood(int target, long serverPid, long measuredSeconds) throws Exception {
        Flood flood = new Flood(host, target, "127.0.0.4", 16, 5000, request(host, BAD_KEY, body("GTM-FLOOD")));
        flood.start();
        Thread.sleep(2000);
        long ticks = CpuTime.ticksOf(serverPid);
        long answered = flood.answered();
        Thread.sleep(TimeUnit.SECONDS.toMillis(measuredSeconds));
        double micros = (CpuTime.ticksOf(serverPid) - ticks) * 10_000.0 / (flood.answered() - answered);
        flood.stop();
        return micros;
    }

    /** 200 req/s with the key on four connections, for the configured seconds, while {@code flood} runs. */
    private Latencies legitimateAlongside(Flood flood) throws Exception {
        if (flood != null) {
            flood.start();
            Thread.sleep(1000); // the flood up to speed
        }
        Latencies latencies = new Latencies();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<Thread> senders = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int s = 0; s < 4; s++) {
            Thread sender = new Thread(() -> {
                try (RawHttpClient client = new RawHttpClient(host, port, "127.0.0.1")) {
                    long next = System.nanoTime();
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        long started = System.nanoTime();
                        int status = client.send(request(host, key, body("GTM-LEGIT")));
                        latencies.add(System.nanoTime() - started);
                        statuses.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
                        next += TimeUnit.MILLISECONDS.toNanos(20); // 50/s per sender
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        if (flood != null) {
            flood.stop();
        }
        latencies.statuses = new TreeMap<>(statuses);
        return latencies;
    }

    private void report(String phase, Latencies legit, Flood flood) {
        System.out.printf("BENCH %s: legitimate 200/s p50 %.1f ms, p99 %.1f ms, max %.1f ms, statuses %s%s%n", phase,
                legit.percentile(50), legit.percentile(99), legit.percentile(100), legit.statuses,
                flood == null ? "" : String.format("; flood %.0f req/s answered, statuses %s", flood.answered()
                        / (double) seconds, flood.statuses()));
    }

    private long endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        admin.describeTopics(List.of(EVENTS_TOPIC)).allTopicNames().get().get(EVENTS_TOPIC).partitions()
                .forEach(p -> latest.put(new TopicPartition(EVENTS_TOPIC, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static String body(String container) {
        return "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":"
                + System.currentTimeMillis() + ",\"tags\":[{\"id\":\"15\",\"name\":\"GA4 - Event\",\"status\":\"success\","
                + "\"execution_time\":120}]}";
    }

    private static byte[] request(String host, String key, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /ingest HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nX-Probr-Key: " + key
                + "\r\nContent-Length: " + content.length + "\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head8.length + content.length];
        System.arraycopy(head8, 0, request, 0, head8.length);
        System.arraycopy(content, 0, request, head8.length, content.length);
        return request;
    }
}
