package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.config.KeyCodec;
import io.probr.ingest.auth.KeyFile;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.stack.JavaProcess;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events sent through the edge at a steady rate while the broker, the aggregator, the sink, ClickHouse and the
 * edge are killed (SIGKILL) and restarted one after another. Every event that got a 200 must be in ClickHouse
 * exactly once (raw and tag tables) and in the window sums; every other one must have been answered with an
 * error or refused, never left hanging. Bounded: about a minute and a half per round of five crashes, one round
 * by default; {@code mvn verify -pl pipeline-tests -Dit.test=FaultInjectionIT -Dprobr.faults.rounds=10} is the
 * longer mode. Prints a summary.
 */
class FaultInjectionIT {
    private static final String CONTAINER_PREFIX = "GTM-FAULT";
    private static final int CONTAINERS = 3;
    private static final int SEND_THREADS = 8;
    private static final int ROUNDS = Integer.getInteger("probr.faults.rounds", 1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Long, String> outcome = new ConcurrentHashMap<>();
    /** Events are stamped now, as a tag's are, and apart by at least a millisecond: the stamp identifies them. */
    private final AtomicLong stamps = new AtomicLong();

    @Test
    void everyAcceptedEventIsStoredExactlyOnceThroughCrashesOfEveryComponent(@TempDir Path dir) throws Exception {
        String key = KeyCodec.forIngestKeys().newKey();
        new KeyFile(null, null).withKey(new KeyFile.Entry(KeyCodec.forIngestKeys().idOf(key).orElseThrow(),
                HexFormat.of().formatHex(KeyCodec.sha256(key)), "shop", false, null, 1_000_000.0, 1_000_000, null, null))
                .write(dir.resolve("keys.json"));
        int edgePort = LocalKafkaBroker.freePort();
        try (LocalKafkaBroker broker = LocalKafkaBroker.onFreePorts(dir.resolve("kafka"));
             LocalClickHouse clickHouse = LocalClickHouse.onFreePorts(dir.resolve("clickhouse"))) {
            broker.start();
            clickHouse.start();
            Map<String, String> env = new HashMap<>(Map.of(
                    "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                    "PROBR_CLICKHOUSE_URL", clickHouse.httpUrl(),
                    "PROBR_EDGE_HOST", "127.0.0.1",
                    "PROBR_EDGE_PORT", Integer.toString(edgePort),
                    "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(),
                    "PROBR_AGGREGATOR_STATE_DIR", dir.resolve("aggregator").toString(),
                    "PROBR_WINDOW_GRACE_MS", "5000",
                    "PROBR_SINK_PORT", "0",
                    "PROBR_SINK_FLUSH_INTERVAL_MS", "200",
                    "PROBR_SINK_RETRY_MAX_MS", "2000"));
            // the child processes inherit this JVM's environment: pin what must not leak in from it
            env.put("PROBR_CLICKHOUSE_USER", "default");
            env.put("PROBR_CLICKHOUSE_PASSWORD", "");
            env.put("PROBR_KAFKA_STREAMS_SESSION_TIMEOUT_MS", "6000");
            // short, but through every restart of the edge: ready only after it
            env.put("PROBR_EDGE_WARMUP_SECONDS", "3");
            env.put("PROBR_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
            try (JavaProcess edge = new JavaProcess("io.probr.ingest.IngestApp", env, dir.resolve("edge.log"));
                 JavaProcess aggregator = new JavaProcess("io.probr.aggregator.AggregatorApp", env, dir.resolve("aggregator.log"));
                 JavaProcess sink = new JavaProcess("io.probr.sink.SinkApp", env, dir.resolve("sink.log"))) {
                edge.start();
                aggregator.start();
                sink.start();
                Poll.until("the edge ready", Duration.ofSeconds(60), () -> status(edgePort, "/readyz") == 200);
                ClickHouseHttp reader = new ClickHouseHttp(clickHouse.httpUrl(), "default", "");
                Poll.until("the sink's schema", Duration.ofSeconds(60), () -> tableExists(reader));

                AtomicBoolean sending = new AtomicBoolean(true);
                ExecutorService senders = Executors.newFixedThreadPool(SEND_THREADS);
                List<Future<?>> loops = new ArrayList<>();
                for (int t = 0; t < SEND_THREADS; t++) {
                    loops.add(senders.submit(() -> send(edgePort, key, sending)));
                }
                Thread.sleep(3_000);
                for (int round = 1; round <= ROUNDS; round++) {
                    System.out.printf("fault injection: round %d of %d%n", round, ROUNDS);
                    crashAndRestart("broker", broker::kill, broker::start);
                    crashAndRestart("aggregator", aggregator::kill, aggregator::start);
                    crashAndRestart("sink", sink::kill, sink::start);
                    crashAndRestart("clickhouse", clickHouse::kill, clickHouse::start);
                    crashAndRestart("edge", edge::kill, () -> {
                        edge.start();
                        Poll.until("the edge back", Duration.ofSeconds(60), () -> status(edgePort, "/readyz") == 200);
                    });
                }
                Thread.sleep(3_000);
                sending.set(false);
                for (Future<?> loop : loops) {
                    loop.get(60, TimeUnit.SECONDS);
                }
                senders.shutdown();
                // one event two minutes ahead per container (a tag clock within the skew) closes every window filled
                long closingMs = System.currentTimeMillis() + 120_000;
                for (int c = 0; c < CONTAINERS; c++) {
                    assertEquals(200, post(edgePort, key, CONTAINER_PREFIX + c, closingMs));
                }

                Set<Long> accepted = new HashSet<>();
                outcome.forEach((timestamp, answer) -> {
                    if ("200".equals(answer)) {
                        accepted.add(timestamp);
                    }
                });
                String events = "probr.events FINAL WHERE container_id LIKE '" + CONTAINER_PREFIX + "%' AND timestamp_ms < "
                        + closingMs;
                Poll.until("every accepted event in ClickHouse", Duration.ofSeconds(120),
                        () -> storedTimes(reader, events).keySet().containsAll(accepted));
                String windowed = "SELECT sum(count) FROM probr.tag_windows FINAL WHERE source = 'stream'"
                        + " AND tag = 'GA4 - Event' AND container_id LIKE '" + CONTAINER_PREFIX + "%' AND window_start_ms < "
                        + closingMs;
                try {
                    Poll.until("the windows", Duration.ofSeconds(120),
                            () -> number(reader, windowed) == number(reader, "SELECT count() FROM " + events));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + number(reader, windowed) + " executions in stream"
                            + " windows, " + number(reader, "SELECT count() FROM " + events) + " events", e);
                }

                Map<Long, Long> storedTimes = storedTimes(reader, events);
                long stored = storedTimes.values().stream().mapToLong(Long::longValue).sum();
                long duplicates = storedTimes.values().stream().filter(count -> count > 1).count();
                long missing = accepted.stream().filter(timestamp -> !storedTimes.containsKey(timestamp)).count();
                long tagRows = number(reader, "SELECT count() FROM probr.tag_executions FINAL WHERE container_id LIKE '"
                        + CONTAINER_PREFIX + "%' AND timestamp_ms < " + closingMs);
                Map<String, Long> byAnswer = new TreeMap<>();
                outcome.values().forEach(answer -> byAnswer.merge(answer, 1L, Long::sum));
                System.out.printf("fault injection (%d round(s)): sent %d, answered %s; rows found %d (tag rows %d), duplicates %d,"
                        + " missing %d%n", ROUNDS, outcome.size(), byAnswer, stored, tagRows, duplicates, missing);

                assertEquals(0, missing, "accepted events missing from ClickHouse");
                assertEquals(0, duplicates, "events stored twice");
                assertEquals(2 * stored, tagRows, "two tag rows per stored event");
                assertEquals(0, byAnswer.getOrDefault("hung", 0L), "requests left without an answer");
            }
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void crashAndRestart(String what, Action kill, Action start) throws Exception {
        long began = System.nanoTime();
        kill.run();
        Thread.sleep(2_000);
        start.run();
        Thread.sleep(3_000);
        System.out.printf("fault injection: %s killed and restarted (%.1f s)%n", what, (System.nanoTime() - began) / 1e9);
    }

    /** Each thread sends its own sequence of event times, about 25 events/s, until told to stop. */
    private void send(int port, String key, AtomicBoolean sending) {
        for (long i = 0; sending.get(); i++) {
            long timestamp = stamps.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
            String answer;
            try {
                answer = Integer.toString(post(port, key, CONTAINER_PREFIX + (i % CONTAINERS), timestamp));
            } catch (java.net.http.HttpTimeoutException e) {
                answer = "hung";
            } catch (java.io.IOException e) {
                answer = "refused";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            outcome.put(timestamp, answer);
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int post(int port, String key, String container, long timestamp) throws java.io.IOException, InterruptedException {
        String body = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":" + timestamp
                + ",\"tags\":[{\"id\":\"15\",\"name\":\"GA4 - Event\",\"status\":\"success\",\"execution_time\":120},"
                + "{\"id\":\"22\",\"name\":\"Meta CAPI\",\"status\":\"failure\",\"execution_time\":5000}]}";
        // the tag's own timeout for a per-event payload is 5 s: an answer after that is as good as none
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json").header("X-Probr-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** How many times each event time is stored (FINAL: what a query sees). */
    private static Map<Long, Long> storedTimes(ClickHouseHttp reader, String events) throws Exception {
        Map<Long, Long> times = new HashMap<>();
        for (String line : reader.query("SELECT timestamp_ms, count() FROM " + events
                + " GROUP BY timestamp_ms FORMAT TabSeparated").split("\n")) {
            if (!line.isEmpty()) {
                String[] fields = line.split("\t");
                times.put(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
            }
        }
        return times;
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static boolean tableExists(ClickHouseHttp reader) {
        try {
            return number(reader, "SELECT count() FROM system.tables WHERE database = 'probr' AND name = 'events'") == 1;
        } catch (Exception e) {
            return false;
        }
    }

    private static long number(ClickHouseHttp reader, String sql) throws Exception {
        return Long.parseLong(reader.query(sql + " FORMAT TabSeparated").strip());
    }
}
