package io.probr.sink.clickhouse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * ClickHouse's HTTP interface for DDL and reads: a query posted over HTTP with a text format works on every
 * version, 18.16 included. Inserts go through client-v2 with RowBinary ({@link ClickHouseWriter}).
 */
public final class ClickHouseHttp {
    private final URI endpoint;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ClickHouseHttp(String baseUrl, String user, String password) {
        this.endpoint = URI.create(baseUrl + "/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs one statement and returns the body of the answer (use a text format such as TSV for reads). */
    public String query(String sql) throws ClickHouseException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClickHouseException("ClickHouse unreachable at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException("interrupted while querying ClickHouse", e);
        }
        if (response.statusCode() != 200) {
            throw new ClickHouseException("ClickHouse answered " + response.statusCode() + ": " + response.body().strip());
        }
        return response.body();
    }

    /** Whether the server answers a trivial query. */
    public boolean isReachable() {
        try {
            return "1".equals(query("SELECT 1").strip());
        } catch (ClickHouseException e) {
            return false;
        }
    }
}
