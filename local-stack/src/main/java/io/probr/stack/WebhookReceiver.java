package io.probr.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on loopback for webhook tests: records every request and answers with scripted status
 * codes (then 200), or not at all ({@link #NO_ANSWER}: holds the request until closed).
 */
public final class WebhookReceiver implements AutoCloseable {
    public static final int NO_ANSWER = -1;

    /** A request as received; header names in lower case. */
    public record Request(Instant at, String method, String path, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final Deque<Integer> answers = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final Object lock = new Object();
    private volatile boolean closed;

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests get these statuses, in order; after them, 200. */
    public void answer(Integer... statuses) {
        synchronized (lock) {
            answers.addAll(List.of(statuses));
        }
    }

    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status;
        synchronized (lock) {
            requests.add(new Request(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    headers, body));
            Integer next = answers.poll();
            status = next == null ? 200 : next;
        }
        if (status == NO_ANSWER) {
            while (!closed) {
                try {
                    Thread.sleep(50); // holding the request open is the point
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            exchange.close();
            return;
        }
        byte[] answer = ("{\"received\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
