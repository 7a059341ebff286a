package io.probr.control.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Read-only queries over ClickHouse's HTTP interface, with every value from a request bound, never spliced
 * into SQL: ClickHouse 18.16 has no query parameters, so the values travel as a one-row external table
 * {@code p} (JSONEachRow, typed by its structure) that the query reads with {@code (SELECT x FROM p)}. Each
 * query runs read-only, under a time limit and a result-row limit.
 */
public final class ClickHouseReader {
    private final URI endpoint;
    private final String authorization;
    private final int maxExecutionSeconds;
    private final int maxResultRows;
    private final ObjectMapper json;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ClickHouseReader(String baseUrl, String user, String password, int maxExecutionSeconds, int maxResultRows,
                            ObjectMapper json) {
        this.endpoint = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.maxExecutionSeconds = maxExecutionSeconds;
        this.maxResultRows = maxResultRows;
        this.json = json;
    }

    /** Runs {@code query} (without a FORMAT clause) with {@code params} bound as table {@code p}; rows as JSON. */
    public List<JsonNode> select(SqlQuery query, Params params) throws ClickHouseUnavailableException {
        String boundary = "probr-" + UUID.randomUUID();
        String row;
        try {
            row = json.writeValueAsString(params.values());
        } catch (IOException e) {
            throw new IllegalArgumentException("parameters not serialisable", e);
        }
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"p\"; filename=\"p\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + row + "\n\r\n--" + boundary + "--\r\n";
        Map<String, String> url = new java.util.LinkedHashMap<>();
        url.put("readonly", "2");
        url.put("max_execution_time", Integer.toString(maxExecutionSeconds));
        url.put("max_result_rows", Integer.toString(maxResultRows));
        url.put("result_overflow_mode", "throw");
        url.put("output_format_json_quote_64bit_integers", "0");
        url.put("p_structure", params.structure());
        url.put("p_format", "JSONEachRow");
        url.put("query", query.sqlFor(params.present()) + "\nFORMAT JSONEachRow");
        String queryString = url.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?" + queryString))
                .timeout(Duration.ofSeconds(maxExecutionSeconds + 5L))
                .header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClickHouseUnavailableException("ClickHouse unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("interrupted while querying ClickHouse", e);
        }
        if (response.statusCode() != 200) {
            throw new ClickHouseUnavailableException("ClickHouse answered " + response.statusCode() + " to "
                    + query.name() + ": " + firstLine(response.body()), null);
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                try {
                    rows.add(json.readTree(line));
                } catch (IOException e) {
                    throw new ClickHouseUnavailableException("unreadable row from " + query.name(), e);
                }
            }
        }
        return rows;
    }

    private static String firstLine(String body) {
        String stripped = body.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}
