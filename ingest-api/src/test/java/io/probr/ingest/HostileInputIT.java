package io.probr.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * More than a thousand generated malformed or hostile requests: each must get the contract's 4xx, none a
 * 5xx, the edge must stay healthy, and nothing may reach Kafka. Prints the counts by answer.
 */
@ExtendWith(SharedKafkaBroker.class)
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ONE_MIB = 1_048_576;
    private static final List<JsonNode> WRONG_VALUES = parseAll("\"x\"", "-1", "1.5", "true", "null", "[]", "{}",
            "[1]", "{\"a\":1}", "\"\"");

    private record Case(String category, String detail, int expected, Supplier<HttpRequest.Builder> request) {
        Case(String category, int expected, Supplier<HttpRequest.Builder> request) {
            this(category, "", expected, request);
        }
    }

    @Test
    void hostileRequestsGetTheirContract4xxAndNothingReachesKafka(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        TestKeys keys = new TestKeys(dir.resolve("keys.json"));
        String key = keys.add("shop");
        try (IngestApp app = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(), "PROBR_RATE_PER_SECOND", "1000000",
                "PROBR_RATE_BURST", "1000000", "PROBR_EDGE_WARMUP_SECONDS", "0")));
             TopicRecords topics = new TopicRecords(broker.bootstrapServers())) {
            EdgeClient edge = new EdgeClient(app.port());
            Poll.until("topics created", () -> topics.endOffsets().size() == 6);
            List<Case> cases = cases(edge, key, app.port());
            Map<TopicPartition, Long> before = topics.endOffsets();

            Map<String, Integer> byAnswer = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            for (Case c : cases) {
                HttpResponse<String> response;
                try {
                    response = sendOnFreshConnectionIfStale(edge, c);
                } catch (java.io.IOException e) {
                    wrong.add(c.category() + " " + c.detail() + ": expected " + c.expected() + ", got no answer: " + e);
                    byAnswer.merge("no answer " + c.category(), 1, Integer::sum);
                    continue;
                }
                byAnswer.merge(response.statusCode() + " " + c.category(), 1, Integer::sum);
                if (response.statusCode() != c.expected()) {
                    wrong.add(c.category() + " " + c.detail() + ": expected " + c.expected() + ", got " + response.statusCode() + " "
                            + response.body());
                }
            }
            System.out.println("hostile input: " + cases.size() + " requests");
            byAnswer.forEach((answer, count) -> System.out.printf("  %-40s %5d%n", answer, count));

            assertEquals(List.of(), wrong.stream().limit(20).toList(), wrong.size() + " request(s) got the wrong answer");
            assertEquals(200, edge.get("/healthz").statusCode(), "the edge is still healthy");
            assertEquals(200, edge.ingest(key, IngestEdgeIT.perEvent("GTM-AFTER").getBytes(StandardCharsets.UTF_8))
                    .statusCode(), "and still accepts a valid event");
            assertEquals(1, topics.since(before).size(), "nothing but the last valid event reached Kafka");
        }
    }

    private static List<Case> cases(EdgeClient edge, String key, int port) throws Exception {
        List<Case> cases = new ArrayList<>();
        byte[] perEvent = IngestEdgeIT.seed("per-event.json");
        byte[] batched = IngestEdgeIT.seed("batched.json");
        // every proper prefix of a JSON document is invalid JSON
        for (byte[] seed : List.of(perEvent, batched)) {
            int documentLength = new String(seed, StandardCharsets.UTF_8).stripTrailing().length();
            for (int length = 0; length < documentLength; length++) {
                byte[] prefix = Arrays.copyOf(seed, length);
                cases.add(new Case("truncated", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(prefix))));
            }
        }
        // wrong type (or out-of-range value) for every field of both shapes
        for (byte[] seed : List.of(perEvent, batched)) {
            JsonNode root = JSON.readTree(seed);
            for (String path : paths(root, "")) {
                JsonNode original = root.at(path);
                for (JsonNode value : WRONG_VALUES) {
                    if (!isWrongFor(path, original, value)) {
                        continue;
                    }
                    byte[] body = JSON.writeValueAsBytes(replaced(root, path, value));
                    cases.add(new Case("wrong type " + kind(original), path + " = " + value, 400,
                            () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(body))));
                }
            }
        }
        // huge or non-integer numbers
        String perEventText = new String(perEvent, StandardCharsets.UTF_8);
        // (integer values in exponent or ".0" notation, e.g. 2.5e3, are integers to JSON Schema and accepted)
        for (String number : List.of("1e400", "123456789012345678901234567890", "1e30", "253402300800000",
                "-0.5", "9223372036854775808", "1708790400000.5", "-1708790400000")) {
            String body = perEventText.replace("1708790400000", number);
            cases.add(new Case("huge or bad number", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(body))));
            String exec = perEventText.replace("\"execution_time\": 120", "\"execution_time\": " + number);
            cases.add(new Case("huge or bad number", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(exec))));
        }
        for (String number : List.of("4294967296", "1e999", "12.5", "-1")) {
            String exec = perEventText.replace("\"execution_time\": 5000", "\"execution_time\": " + number);
            cases.add(new Case("huge or bad number", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(exec))));
        }
        // deep nesting, whole body or inside a field
        for (int depth : List.of(17, 100, 1_000, 10_000, 100_000)) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            for (String nested : List.of(arrays, objects)) {
                cases.add(new Case("deep nesting", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(nested))));
                String inField = perEventText.replace("\"GTM-ABC123\"", nested);
                cases.add(new Case("deep nesting", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(inField))));
            }
        }
        // 1 MiB + 1, with Content-Length and chunked
        byte[] tooLarge = padded(perEvent, ONE_MIB + 1);
        cases.add(new Case("1 MiB + 1", 413, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(tooLarge))));
        cases.add(new Case("1 MiB + 1 chunked", 413, () -> edge.post(key,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooLarge)))));
        byte[] hugeString = ("{\"container_id\":\"" + "A".repeat(4 * ONE_MIB) + "\"}").getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("4 MiB chunked", 413, () -> edge.post(key,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(hugeString)))));
        // gzip: bombs, an over-limit document, corrupt data
        byte[] bomb = gzip(new byte[64 * ONE_MIB]);
        byte[] spaces = gzip(padded(perEvent, 8 * ONE_MIB));
        byte[] overLimit = gzip(tooLarge);
        for (byte[] body : List.of(bomb, spaces, overLimit)) {
            cases.add(new Case("gzip bomb", 413, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Encoding", "gzip")));
        }
        byte[] corrupt = Arrays.copyOf(gzip(perEvent), 40);
        cases.add(new Case("corrupt gzip", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(corrupt))
                .header("Content-Encoding", "gzip")));
        cases.add(new Case("corrupt gzip", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                .header("Content-Encoding", "gzip")));
        // invalid UTF-8 inside a string
        for (byte[] bad : List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
            byte[] body = insertAfter(perEvent, "\"GTM-ABC", bad);
            cases.add(new Case("invalid UTF-8", Arrays.toString(bad), 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(body))));
        }
        // duplicate keys, at the top and inside a tag
        JsonNode root = JSON.readTree(perEvent);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String body = perEventText.replaceFirst("\\{", "{\"" + name + "\": " + JSON.writeValueAsString(root.get(name)) + ",");
            cases.add(new Case("duplicate key", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(body))));
        }
        String dupInTag = perEventText.replace("{\"id\": \"15\",", "{\"id\": \"15\", \"id\": \"16\",");
        cases.add(new Case("duplicate key", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(dupInTag))));
        // extra fields never rescue an invalid payload
        for (String extra : List.of("\"__proto__\": {}", "\"constructor\": 1", "\"batch\": \"yes\"", "\"x\": " + "[0,".repeat(50) + "0" + "]".repeat(50))) {
            String body = "{" + extra + ", \"container_id\": \"GTM-A\"}";
            cases.add(new Case("extra fields, invalid payload", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(body))));
        }
        // empty and non-object bodies
        for (String body : List.of("", " ", "\n", "null", "[]", "{}", "0", "\"x\"", "true", "\uFEFF{}", "{\"batch\": true}")) {
            cases.add(new Case("empty or not an object", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofString(body))));
        }
        // content types other than JSON
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data",
                "application/json-patch+json", "application/json; charset=iso-8859-1")) {
            cases.add(new Case("content type " + type, 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                    .setHeader("Content-Type", type)));
        }
        // missing and malformed keys
        List<String> badKeys = List.of("x", "pk_live_", "pk_live_0123456789abcdef_" + "0".repeat(48), "pk_test_abc",
                "pk_live_" + "A".repeat(2_000), "' OR 1=1 --", "pk_live_0123456789abcdef");
        cases.add(new Case("missing key", 401, () -> edge.post(null, HttpRequest.BodyPublishers.ofByteArray(perEvent))));
        for (String bad : badKeys) {
            cases.add(new Case("malformed or unknown key", 401, () -> edge.post(bad, HttpRequest.BodyPublishers.ofByteArray(perEvent))));
            cases.add(new Case("malformed or unknown bearer", 401, () -> edge.post(null, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                    .header("Authorization", "Bearer " + bad)));
        }
        // headers beyond Jetty's 8 KiB request-header buffer are refused before any handler runs
        String hugeKey = "pk_live_" + "A".repeat(10_000);
        cases.add(new Case("oversized key header", 431, () -> edge.post(hugeKey, HttpRequest.BodyPublishers.ofByteArray(perEvent))));
        cases.add(new Case("basic auth", 401, () -> edge.post(null, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                .header("Authorization", "Basic " + key)));
        cases.add(new Case("key in a wrong header", 401, () -> edge.post(null, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                .header("X-Api-Key", key)));
        // wrong methods and paths
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            cases.add(new Case("method " + method, 405, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(perEvent))));
        }
        cases.add(new Case("ambiguous path", 400, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                .uri(URI.create("http://127.0.0.1:" + port + "/%2e%2e/etc/passwd"))));
        for (String path : List.of("/", "/INGEST", "/ingest/x", "/admin", "/ingest.json", "/v1/ingest")) {
            cases.add(new Case("path " + path, 404, () -> edge.post(key, HttpRequest.BodyPublishers.ofByteArray(perEvent))
                    .uri(URI.create("http://127.0.0.1:" + port + path))));
        }
        return cases;
    }

    /**
     * The JDK client may reuse a pooled connection the edge has just closed (Jetty closes after some refused
     * bodies) and then fails with "received no bytes" without having sent anything; it never retries a POST
     * itself. Such a request is sent once more, and must then get its expected answer like any other.
     */
    private static HttpResponse<String> sendOnFreshConnectionIfStale(EdgeClient edge, Case c) throws Exception {
        try {
            return edge.send(c.request().get());
        } catch (java.io.IOException e) {
            if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                throw e;
            }
            System.out.println("hostile input: stale connection, sent again: " + c.category() + " " + c.detail());
            return edge.send(c.request().get());
        }
    }

    /** JSON pointers of every value in the document. */
    private static List<String> paths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        if (!prefix.isEmpty()) {
            paths.add(prefix);
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> paths.addAll(paths(e.getValue(), prefix + "/" + e.getKey())));
        } else if (node.isArray() && !node.isEmpty()) {
            paths.addAll(paths(node.get(0), prefix + "/0"));
        }
        return paths;
    }

    /**
     * Whether {@code value} is invalid where {@code original} stands. Maps keyed by the sender (event_counts,
     * tag_metrics) accept any key, so replacing their values is tested but not their (absent) key set.
     */
    private static boolean isWrongFor(String path, JsonNode original, JsonNode value) {
        if (path.equals("/batch")) {
            return !value.equals(original);
        }
        if (original.getNodeType() == value.getNodeType()) {
            // same JSON type: only a negative integer, an empty string or a different object/array shape is wrong
            if (original.isIntegralNumber()) {
                return value.asLong() < 0;
            }
            if (original.isTextual()) {
                return value.asText().isEmpty() && !path.endsWith("/name");
            }
            if (original.isObject()) {
                // objects whose members are all optional, or keyed by the sender, accept unknown members
                return value.size() > 0 && !List.of("/event_counts", "/tag_metrics", "/user_data", "/ecommerce",
                        "/user_data_quality", "/ecommerce_quality").contains(path);
            }
            return original.isArray() && value.size() > 0;
        }
        if (original.isIntegralNumber() && value.isIntegralNumber()) {
            return value.asLong() < 0;
        }
        return true;
    }

    private static String kind(JsonNode original) {
        return original.isContainerNode() ? original.getNodeType().name().toLowerCase() + " field" : "scalar field";
    }

    private static JsonNode replaced(JsonNode root, String path, JsonNode value) {
        JsonNode copy = root.deepCopy();
        int slash = path.lastIndexOf('/');
        JsonNode parent = copy.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(last), value);
        }
        return copy;
    }

    private static List<JsonNode> parseAll(String... values) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String value : values) {
            try {
                nodes.add(JSON.readTree(value));
            } catch (Exception e) {
                throw new IllegalArgumentException(value, e);
            }
        }
        return nodes.isEmpty() ? List.of(JsonNodeFactory.instance.nullNode()) : nodes;
    }

    /** {@code json} followed by spaces up to {@code size} bytes: valid JSON, just too big. */
    private static byte[] padded(byte[] json, int size) {
        byte[] body = Arrays.copyOf(json, size);
        Arrays.fill(body, json.length, size, (byte) ' ');
        return body;
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] insertAfter(byte[] body, String marker, byte[] inserted) {
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf(marker) + marker.length();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }
}
