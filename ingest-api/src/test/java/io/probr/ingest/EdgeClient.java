package io.probr.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP against a running edge. */
final class EdgeClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    EdgeClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    HttpRequest.Builder post(String key, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/ingest"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(body);
        return key == null ? request : request.header("X-Probr-Key", key);
    }

    HttpResponse<String> ingest(String key, byte[] body) throws IOException, InterruptedException {
        return send(post(key, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
