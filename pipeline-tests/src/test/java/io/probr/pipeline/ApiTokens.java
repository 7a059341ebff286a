package io.probr.pipeline;

import io.probr.stack.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A token a test writes through a view of its own reaches the control API's view a moment later (it follows
 * probr.config.v1 every 200 ms): wait for it before calling the API with it.
 */
final class ApiTokens {
    private ApiTokens() {
    }

    static void awaitKnown(int apiPort, String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest sites = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/sites"))
                .header("Authorization", "Bearer " + token).build();
        Poll.until("the control API knows the token", Duration.ofSeconds(15),
                () -> http.send(sites, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
}
