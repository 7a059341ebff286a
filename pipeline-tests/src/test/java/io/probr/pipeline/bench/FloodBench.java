package io.probr.pipeline.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
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
 * ROUNDS}. A legitimate sender posts 200 events/s with KEY (from 127.0.0.1) and its latency is measured: alone
 * and beside a flood of bad keys paced at 5,000 req/s (from 127.0.0.2), in turns for ROUNDS rounds, then beside
 * the same flood at full speed (64 connections).
 * Then an overload: KEY posted at full speed on CONNECTIONS connections (from 127.0.0.3), far past what the edge can
 * publish, counting the answers and checking that every 200 is a record on probr.events.v1.
 * A minimal HTTP/1.1 client over sockets keeps the load generator's own cost low on a two-core machine.
 */
public final class FloodBench {
    private static final String EVENTS_TOPIC = "probr.events.v1";

    private final String host;
    private final int port;
    private final String key;
    private final long seconds;
    private final int overloadConnections;
    private final int rounds;

    private FloodBench(String host, int port, String key, long seconds, int overloadConnections, int rounds) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.seconds = seconds;
        this.overloadConnections = overloadConnections;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        FloodBench bench = new FloodBench(args[0], Integer.parseInt(args[1]), args[2], Long.parseLong(args[4]),
                Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[3]))) {
            bench.run(admin);
        }
    }

    private void run(Admin admin) throws Exception {
        legitimateAlongside(null); // warm-up: the JIT, the connections, the producer's batches
        // quiet and paced flood in turns, so both see the same shared machine; medians over the rounds
        List<Double> quietP99 = new ArrayList<>();
        List<Double> pacedP99 = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Latencies quiet = legitimateAlongside(null);
            report("round " + round + " quiet", quiet, null);
            Flood paced = new Flood("127.0.0.2", 16, 5000, request("pk_live_flood0000000000000000000000", body("GTM-FLOOD")));
            Latencies beside = legitimateAlongside(paced);
            report("round " + round + " 401 flood at 5000 req/s", beside, paced);
            quietP99.add(quiet.percentile(99));
            pacedP99.add(beside.percentile(99));
        }
        double quiet = EdgeBench.median(quietP99);
        double paced = EdgeBench.median(pacedP99);
        System.out.printf("BENCH legitimate p99, median of %d rounds: quiet %.1f ms, beside 5000 req/s of bad keys %.1f ms"
                + " (%.1fx)%n", rounds, quiet, paced, paced / quiet);
        Flood full = new Flood("127.0.0.2", 64, 0, request("pk_live_flood0000000000000000000000", body("GTM-FLOOD")));
        report("401 flood at full speed", legitimateAlongside(full), full);

        long before = endOffsets(admin);
        Flood overload = new Flood("127.0.0.3", overloadConnections, 0, request(key, body("GTM-OVERLOAD")));
        overload.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        overload.stop();
        Thread.sleep(5000); // the publishes in hand finish or time out (4 s)
        long stored = endOffsets(admin) - before;
        long accepted = overload.statuses.getOrDefault(200, new AtomicLong()).get();
        System.out.printf("BENCH overload, " + overloadConnections + " connections: %.0f req/s answered, statuses %s, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " 200s %d, records stored %d (%s)%n", overload.answered() / (double) seconds, overload.statuses,
                overload.latencies.percentile(50), overload.latencies.percentile(99), overload.latencies.percentile(100),
                accepted, stored, accepted == stored ? "every 200 stored" : "MISMATCH");
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
                try (Client client = new Client(host, port, "127.0.0.1")) {
                    long next = System.nanoTime();
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        long started = System.nanoTime();
                        int status = client.send(request(key, body("GTM-LEGIT")));
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
                        / (double) seconds, flood.statuses));
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

    private byte[] request(String key, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /ingest HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nX-Probr-Key: " + key
                + "\r\nContent-Length: " + content.length + "\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head8.length + content.length];
        System.arraycopy(head8, 0, request, 0, head8.length);
        System.arraycopy(content, 0, request, head8.length, content.length);
        return request;
    }

    /** Connections sending one request after another, at full speed or paced to {@code rate} req/s in all. */
    private final class Flood {
        private final String from;
        private final int connections;
        private final int rate;
        private final byte[] request;
        private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        private final Latencies latencies = new Latencies();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running;

        Flood(String from, int connections, int rate, byte[] request) {
            this.from = from;
            this.connections = connections;
            this.rate = rate;
            this.request = request;
        }

        void start() {
            running = true;
            for (int c = 0; c < connections; c++) {
                Thread thread = new Thread(this::send);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }

        long answered() {
            return statuses.values().stream().mapToLong(AtomicLong::get).sum();
        }

        private void send() {
            long intervalNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * connections / rate;
            long next = System.nanoTime();
            Client client = null;
            while (running) {
                try {
                    if (client == null) {
                        client = new Client(host, port, from);
                    }
                    if (intervalNanos > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        next += intervalNanos;
                    }
                    long started = System.nanoTime();
                    int status = client.send(request);
                    latencies.add(System.nanoTime() - started);
                    statuses.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
                } catch (IOException e) {
                    statuses.computeIfAbsent(-1, x -> new AtomicLong()).incrementAndGet();
                    client = null;
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (client != null) {
                client.close();
            }
        }
    }

    /** One keep-alive HTTP/1.1 connection: write a request, read the status and skip the body. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final InputStream in;

        Client(String host, int port, String from) throws IOException {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        int send(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int contentLength = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Integer.parseInt(header.substring(15).strip());
                }
            }
            in.skipNBytes(contentLength);
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Every latency recorded, in nanoseconds; percentiles in milliseconds. */
    private static final class Latencies {
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        private Map<Integer, AtomicLong> statuses = Map.of();

        void add(long value) {
            nanos.add(value);
        }

        double percentile(int p) {
            List<Long> sorted;
            synchronized (nanos) {
                sorted = new ArrayList<>(nanos);
            }
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(sorted);
            int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
            return sorted.get(Math.max(0, index)) / 1e6;
        }
    }
}
