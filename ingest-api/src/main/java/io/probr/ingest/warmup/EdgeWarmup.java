package io.probr.ingest.warmup;

import io.javalin.Javalin;
import io.probr.ingest.IngestConfig;
import io.probr.schemas.config.KeyCodec;
import io.probr.ingest.auth.KeyFile;
import io.probr.ingest.auth.KeyStore;
import io.probr.ingest.auth.RateLimiter;
import io.probr.ingest.http.EdgeServer;
import io.probr.ingest.kafka.IngestRecords;
import io.probr.ingest.kafka.KafkaPublisher;
import io.probr.ingest.kafka.KafkaReadiness;
import io.probr.ingest.metrics.EdgeMetrics;
import io.probr.schemas.runtime.FailedAuthLimiter;
import io.probr.schemas.topic.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the edge's request path hot before the edge says ready. A JVM interprets new code and compiles it only
 * once it has run often: on two cores, a fresh edge hit at once by 200 requests/s answered most of them with 500
 * or too late for the tag for the whole first 20 s, while the same edge, warm, answered every one (issue 6).
 *
 * <p>So the edge first posts the seed payloads to a private instance of itself: the same classes (Jetty, the auth
 * filter, the validator) and the edge's own producer, whose I/O thread answers the requests; a key that only this
 * process knows and holds in memory; and a topic of its own, {@link Topic#EDGE_WARMUP}, so no warm-up record
 * reaches the pipeline. It stops once the JIT compiler has settled ({@link JitSettling}), or at the configured limit.
 */
public final class EdgeWarmup {
    private static final Logger log = LoggerFactory.getLogger(EdgeWarmup.class);
    private static final long ROUND_MS = 1000;
    private static final int CONCURRENCY = 16;

    private final IngestConfig config;
    private final KafkaPublisher publisher;
    private final KafkaReadiness readiness;

    /**
     * {@code publisher} is the edge's own: its first send waits for a producer id and opens its connections, better
     * paid for by the warm-up than by the first real requests.
     */
    public EdgeWarmup(IngestConfig config, KafkaPublisher publisher, KafkaReadiness readiness) {
        this.config = config;
        this.publisher = publisher;
        this.readiness = readiness;
    }

    public void run() throws InterruptedException {
        KeyCodec codec = KeyCodec.forIngestKeys();
        String key = codec.newKey();
        KeyFile.Entry entry = new KeyFile.Entry(codec.idOf(key).orElseThrow(),
                HexFormat.of().formatHex(KeyCodec.sha256(key)), "probr-edge-warmup", false, null, 1e9, 1_000_000,
                null, "the edge's warm-up");
        KeyStore keys = KeyStore.inMemory(new KeyFile(Map.of(), List.of(entry)));
        Javalin server = null;
        try {
            server = EdgeServer.create(new EdgeServer.Dependencies(keys, () -> true,
                    new RateLimiter(config.ratePerSecond(), config.rateBurst(), System::nanoTime),
                    IngestRecords.forWarmup(), publisher, readiness, new EdgeMetrics(), config.timeRule(),
                    config.maxBodyBytes(), config.publishTimeoutMs(),
                    new FailedAuthLimiter(config.failedAuthBurst(), config.failedAuthRefillMs(), 1000, System::nanoTime),
                    config.maxInFlight(), config.minBodyBytesPerSecond()));
            server.start("127.0.0.1", 0);
            log.info("warming up for at most {} s on a private instance at 127.0.0.1:{}", config.warmupSeconds(),
                    server.port());
            post(URI.create("http://127.0.0.1:" + server.port() + "/ingest"), key);
        } finally {
            if (server != null) {
                server.stop();
            }
            keys.close();
        }
    }

    private void post(URI ingest, String key) throws InterruptedException {
        List<byte[]> bodies = List.of(example("per-event"), example("per-event-minimal"), example("per-event"),
                example("batched"));
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        List<Long> compileMsPerRound = new ArrayList<>();
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(config.warmupSeconds());
        JitSettling jitSettling = new JitSettling();
        int sent = 0;
        while (System.nanoTime() < deadline) {
            long roundStart = System.nanoTime();
            long compiledBefore = jitTimed ? jit.getTotalCompilationTime() : 0;
            long roundEnd = Math.min(deadline, roundStart + TimeUnit.MILLISECONDS.toNanos(ROUND_MS));
            while (System.nanoTime() < roundEnd) {
                inFlight.acquire();
                HttpRequest request = HttpRequest.newBuilder(ingest).timeout(Duration.ofSeconds(10))
                        .header("X-Probr-Key", key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(sent++ % bodies.size()))).build();
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                    answers.merge(error == null ? response.statusCode() : -1, 1, Integer::sum);
                    inFlight.release();
                });
            }
            long compileMs = jitTimed ? jit.getTotalCompilationTime() - compiledBefore : -1;
            long roundMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStart);
            compileMsPerRound.add(compileMs);
            if (jitTimed && jitSettling.roundDone(compileMs, roundMs)) {
                break;
            }
        }
        inFlight.tryAcquire(CONCURRENCY, 15, TimeUnit.SECONDS);
        log.info("warm-up: {} requests in {} ms, answers {} (-1: no answer), JIT compile ms per round {}",
                sent, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), new TreeMap<>(answers),
                compileMsPerRound);
    }

    private static byte[] example(String name) {
        try (InputStream in = EdgeWarmup.class.getResourceAsStream("/examples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing example payload " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
