package io.probr.pipeline.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Connections sending one request after another, at full speed or paced to {@code rate} req/s in all. */
final class Flood {
    private final String host;
    private final int port;
    private final String from;
    private final int connections;
    private final int rate;
    private final byte[] request;
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final Latencies latencies = new Latencies();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    Flood(String host, int port, String from, int connections, int rate, byte[] request) {
        this.host = host;
        this.port = port;
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

    Map<Integer, Long> statuses() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.get()));
        return copy;
    }

    long answered() {
        return statuses.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void send() {
        long intervalNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * connections / rate;
        long next = System.nanoTime();
        RawHttpClient client = null;
        while (running) {
            try {
                if (client == null) {
                    client = new RawHttpClient(host, port, from);
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
