package io.probr.pipeline.bench;

import io.probr.sink.clickhouse.ClickHouseHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end latency on the running local stack: {@code EndToEndBench EDGE_URL KEY CLICKHOUSE_URL RATE SECONDS}.
 * Posts seed-shaped per-event payloads at RATE per second, each with its own timestamp_ms, records when each
 * got its 200, and polls ClickHouse every 20 ms for the rows that became visible; prints p50/p99/max of
 * (visible - 200). The poll interval bounds the resolution. It also checks the contract at load: every event
 * answered 200 is stored exactly once (FINAL), waiting up to two minutes after the last send for the pipeline
 * to settle; exits 1 if one is missing or stored twice.
 */
public final class EndToEndBench {
    /** What the sGTM tag waits for a per-event answer (the contract); a later one is an error to it. */
    private static final Duration TAG_TIMEOUT = Duration.ofSeconds(5);

    private EndToEndBench() {
    }

    public static void main(String[] args) throws Exception {
        String edge = args[0];
        String key = args[1];
        ClickHouseHttp clickHouse = new ClickHouseHttp(args[2], "default", "");
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int total = rate * seconds;
        String container = "GTM-E2EBENCH" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        // event i is sent 5 ms x i after the start and stamped 1 ms x i after it: on time, never ahead of the
        // clock, and each its own timestamp (an hour back, every event was a late correction for the aggregator)
        long base = System.currentTimeMillis();
        Map<Long, Long> acceptedAt = new ConcurrentHashMap<>();
        Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        Map<String, Integer> errorsByAnswer = new ConcurrentHashMap<>();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        sender.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i >= total) {
                return;
            }
            long ts = base + i;
            String body = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":" + ts
                    + ",\"tags\":[{\"id\":\"15\",\"name\":\"GA4 - Event\",\"status\":\"success\",\"execution_time\":120}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(edge + "/ingest")).timeout(TAG_TIMEOUT)
                    .header("X-Probr-Key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error == null && response.statusCode() == 200) {
                    acceptedAt.put(ts, System.nanoTime());
                } else {
                    errors.incrementAndGet();
                    errorsByAnswer.merge(error == null ? Integer.toString(response.statusCode())
                            : error.getClass().getSimpleName(), 1, Integer::sum);
                }
                answered.incrementAndGet();
            });
        }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);

        // events answered 500 may be stored too (the contract allows it): wait for the 200s, not for a count
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 120L);
        long seenUpTo = base - 1;
        while (!(answered.get() == total && visibleAt.keySet().containsAll(acceptedAt.keySet()))
                && System.nanoTime() < deadline) {
            String rows = clickHouse.query("SELECT timestamp_ms FROM probr.events WHERE container_id = '" + container
                    + "' AND timestamp_ms > " + seenUpTo + " FORMAT TabSeparated");
            long now = System.nanoTime();
            for (String row : rows.split("\n")) {
                if (!row.isBlank()) {
                    long ts = Long.parseLong(row.strip());
                    visibleAt.putIfAbsent(ts, now);
                }
            }
            // rows arrive out of order across partitions: only skip what is contiguous
            while (visibleAt.containsKey(seenUpTo + 1)) {
                seenUpTo++;
            }
            Thread.sleep(20);
        }
        sender.shutdownNow();
        List<Double> latencies = new ArrayList<>();
        acceptedAt.forEach((ts, at) -> {
            Long seen = visibleAt.get(ts);
            if (seen != null) {
                latencies.add(Math.max(0, seen - at) / 1e6);
            }
        });
        Collections.sort(latencies);
        long missing = acceptedAt.size() - latencies.size();
        long duplicated = Long.parseLong(clickHouse.query("SELECT count() FROM (SELECT timestamp_ms FROM probr.events"
                + " FINAL WHERE container_id = '" + container + "' GROUP BY timestamp_ms HAVING count() > 1)"
                + " FORMAT TabSeparated").strip());
        System.out.printf("sent %d at %d/s: %d answered 200, %d errors; of the 200s, %d visible in ClickHouse,"
                + " %d missing, %d stored more than once%n",
                total, rate, acceptedAt.size(), errors.get(), latencies.size(), missing, duplicated);
        if (!errorsByAnswer.isEmpty()) {
            System.out.println("errors by answer: " + errorsByAnswer);
        }
        System.out.printf("%-34s %14s %14s %14s%n", "end to end (200 -> row visible)", "p50 ms", "p99 ms", "max ms");
        System.out.printf("%-34s %14.0f %14.0f %14.0f%n", "probr.events", percentile(latencies, 0.5),
                percentile(latencies, 0.99), latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1));
        System.exit(missing == 0 && duplicated == 0 ? 0 : 1);
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
