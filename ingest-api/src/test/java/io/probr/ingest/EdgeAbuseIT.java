package io.probr.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client without a key, or a key holder acting badly, cannot do to the edge: guess keys at full speed,
 * hold a connection with half a request, trickle a body, or open connections without end.
 */
@ExtendWith(SharedKafkaBroker.class)
class EdgeAbuseIT {
    private final List<Socket> sockets = new ArrayList<>();
    private IngestApp app;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private EdgeClient start(LocalKafkaBroker broker, Path dir, String... settings) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PROBR_EDGE_HOST", "127.0.0.1", "PROBR_EDGE_PORT", "0",
                "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(), "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(),
                "PROBR_EDGE_WARMUP_SECONDS", "0"));
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        app = new IngestApp(IngestConfig.fromEnv(env));
        EdgeClient edge = new EdgeClient(app.port());
        Poll.until("the edge ready", Duration.ofSeconds(60), () -> edge.get("/readyz").statusCode() == 200);
        return edge;
    }

    @Test
    void anAddressThatKeepsShowingBadKeysIsAnswered429(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        String key = new TestKeys(dir.resolve("keys.json")).add("shop");
        EdgeClient edge = start(broker, dir, "PROBR_EDGE_FAILED_AUTH_BURST", "5", "PROBR_EDGE_FAILED_AUTH_REFILL_MS", "60000");
        byte[] event = IngestEdgeIT.perEvent("GTM-ABUSE").getBytes(StandardCharsets.UTF_8);
        assertEquals(200, edge.ingest(key, event).statusCode(), "successes do not count");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, edge.ingest("pk_live_guess" + i, event).statusCode());
        }
        HttpResponse<String> limited = edge.ingest("pk_live_guess", event);
        assertEquals(429, limited.statusCode());
        assertEquals("60", limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(limited.body().contains("\"error\":\"rate_limited\"") && limited.body().contains("from this address"),
                limited.body());
        assertEquals(200, edge.ingest(key, event).statusCode(), "a good key from the same address is still served");
        assertEquals(429, edge.ingest(null, event).statusCode(), "no key at all counts as a failure too");
    }

    @Test
    void aRefusedRequestLeavesItsConnectionUsableWhateverItsBodySize(LocalKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        new TestKeys(dir.resolve("keys.json")).add("shop");
        EdgeClient edge = start(broker, dir, "PROBR_EDGE_FAILED_AUTH_BURST", "1000000");
        // answered before its body had arrived, a refusal made Jetty close a connection the client then reused
        for (int size : new int[] {200, 64 * 1024, 900 * 1024}) {
            byte[] body = new byte[size];
            java.util.Arrays.fill(body, (byte) ' ');
            for (int i = 0; i < 40; i++) {
                assertEquals(401, edge.ingest("pk_live_guess" + i, body).statusCode(), size + " bytes, request " + i);
            }
        }
    }

    @Test
    void aRefusedRequestWhoseBodyTricklesIsAnsweredAndClosedWithinTheDrainLimit(LocalKafkaBroker broker,
            @TempDir Path dir) throws Exception {
        new TestKeys(dir.resolve("keys.json")).add("shop");
        start(broker, dir);
        Socket socket = connect();
        socket.setSoTimeout(5000);
        long started = System.nanoTime();
        socket.getOutputStream().write(("POST /ingest HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\n"
                + "X-Probr-Key: pk_live_guess\r\nContent-Length: 1000\r\n\r\n{\"container").getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
        assertTrue(ms >= 900 && ms < 4000, "answered and closed after " + ms + " ms (the drain limit is 1 s)");
    }

    @Test
    void halfARequestIsDroppedAfterTheIdleTimeout(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        new TestKeys(dir.resolve("keys.json")).add("shop");
        start(broker, dir, "PROBR_EDGE_IDLE_TIMEOUT_MS", "500");
        Socket socket = connect();
        socket.getOutputStream().write("POST /ingest HTTP/1.1\r\nHost: edge\r\nContent-Type: applic".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(5000);
        long started = System.nanoTime();
        assertClosedOrAnswered(socket.getInputStream());
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(ms < 4000, "closed after " + ms + " ms");
    }

    @Test
    void aTrickledBodyIsRefusedLongBeforeItEnds(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        String key = new TestKeys(dir.resolve("keys.json")).add("shop");
        EdgeClient edge = start(broker, dir, "PROBR_EDGE_MIN_BODY_BYTES_PER_SECOND", "2000");
        Socket socket = connect();
        OutputStream out = socket.getOutputStream();
        out.write(("POST /ingest HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nX-Probr-Key: " + key
                + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(100);
        long started = System.nanoTime();
        String answer = null;
        // 500 bytes a second: the whole body would take 200 s
        while (answer == null && System.nanoTime() - started < Duration.ofSeconds(20).toNanos()) {
            try {
                out.write(" ".repeat(50).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closed) {
                answer = "closed";
                break;
            }
            answer = readSome(socket.getInputStream());
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(answer != null && (answer.equals("closed") || answer.startsWith("HTTP/1.1 408")), "answer: " + answer);
        assertTrue(ms < 15_000, "refused after " + ms + " ms");
        assertEquals(200, edge.ingest(key, IngestEdgeIT.perEvent("GTM-ABUSE").getBytes(StandardCharsets.UTF_8)).statusCode(),
                "others are served meanwhile and after");
    }

    @Test
    void connectionsBeyondTheCapWaitUntilOneCloses(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        new TestKeys(dir.resolve("keys.json")).add("shop");
        start(broker, dir, "PROBR_EDGE_MAX_CONNECTIONS", "3");
        // the readiness poll's connection may still be open in its client's pool: take what is left of the cap
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 3; i++) {
            sockets.add(connect());
        }
        assertThrows(HttpTimeoutException.class, () -> fresh.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + app.port() + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()), "a fourth connection is not served");
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
        Poll.until("served once connections closed", Duration.ofSeconds(10), () -> {
            try {
                return fresh.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + app.port()
                        + "/healthz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (HttpTimeoutException notYet) {
                return false;
            }
        });
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", app.port());
        sockets.add(socket);
        return socket;
    }

    private static void assertClosedOrAnswered(InputStream in) throws IOException {
        try {
            int read = in.read();
            assertTrue(read == -1 || read == 'H', "got " + read);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open", e);
        } catch (IOException reset) {
            // closed by the server: what the test wants
        }
    }

    /** What the server sent so far, "closed" if it closed, or null if nothing yet. */
    private static String readSome(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            int n = in.read(buffer);
            return n < 0 ? "closed" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException nothingYet) {
            return null;
        } catch (IOException reset) {
            return "closed";
        }
    }
}
