package io.probr.schemas.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadValidatorTest {
    private final PayloadValidator validator = new PayloadValidator();

    static byte[] seed(String name) throws IOException {
        try (InputStream in = PayloadValidatorTest.class.getResourceAsStream("/examples/" + name)) {
            return in.readAllBytes();
        }
    }

    private ParsedPayload parse(String json) {
        return validator.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertInvalid(String json) {
        ParsedPayload parsed = parse(json);
        assertInstanceOf(ParsedPayload.Invalid.class, parsed, () -> "accepted: " + json);
        assertFalse(((ParsedPayload.Invalid) parsed).errors().isEmpty());
    }

    @Test
    void acceptsSeedPerEventPayloadWithEveryValue() throws IOException {
        PerEventPayload p = ((ParsedPayload.PerEvent) validator.parse(seed("per-event.json"))).payload();
        assertEquals("GTM-ABC123", p.containerId());
        assertEquals("purchase", p.eventName());
        assertEquals(1708790400000L, p.timestampMs());
        assertEquals(new PerEventPayload.Tag("15", "GA4 - Event", TagStatus.SUCCESS, 120L), p.tags().get(0));
        assertEquals(new PerEventPayload.Tag("22", "Meta CAPI", TagStatus.FAILURE, 5000L), p.tags().get(1));
        assertEquals(new PerEventPayload.UserData(true, false, true, true, false, true), p.userData());
        assertEquals(new PerEventPayload.Ecommerce(true, true, true, true), p.ecommerce());
    }

    @Test
    void refusesMalformedUtf8EvenWhereJacksonWouldDecodeIt() {
        byte[] overlongSlash = "{\"container_id\":\"GTM-A\u0000B\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        int zero = new String(overlongSlash, StandardCharsets.UTF_8).indexOf('\u0000');
        byte[] body = new byte[overlongSlash.length + 1];
        System.arraycopy(overlongSlash, 0, body, 0, zero);
        body[zero] = (byte) 0xC0;
        body[zero + 1] = (byte) 0xAF;
        System.arraycopy(overlongSlash, zero + 1, body, zero + 2, overlongSlash.length - zero - 1);
        assertEquals(new ParsedPayload.Invalid(java.util.List.of("the body is not valid UTF-8")), validator.parse(body));
        assertTrue(validator.parse("{\"container_id\":\"GTM-É\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}"
                .getBytes(StandardCharsets.UTF_8)) instanceof ParsedPayload.PerEvent, "valid multi-byte UTF-8");
    }

    @Test
    void acceptsSeedMinimalPayloadWithAbsentOptionalsAsNull() throws IOException {
        PerEventPayload p = ((ParsedPayload.PerEvent) validator.parse(seed("per-event-minimal.json"))).payload();
        PerEventPayload.Tag tag = p.tags().get(0);
        assertNull(tag.name());
        assertNull(tag.executionTime());
        assertEquals(TagStatus.TIMEOUT, tag.status());
        assertNull(p.userData());
        assertNull(p.ecommerce());
    }

    @Test
    void acceptsSeedBatchedPayloadWithEveryValue() throws IOException {
        BatchedPayload b = ((ParsedPayload.Batched) validator.parse(seed("batched.json"))).payload();
        assertEquals("GTM-ABC123", b.containerId());
        assertEquals(1708790400000L, b.windowStartMs());
        assertEquals(1708790459000L, b.windowEndMs());
        assertEquals(50, b.totalEvents());
        assertEquals(40L, b.eventCounts().get("page_view"));
        assertEquals(new BatchedPayload.TagMetrics(3, 1, 1, 0, 9100, 5), b.tagMetrics().get("Meta CAPI"));
        assertEquals(new BatchedPayload.UserDataQuality(42, 15, 38, 50), b.userDataQuality());
        assertEquals(new BatchedPayload.EcommerceQuality(5, 5, 4, 5, 5), b.ecommerceQuality());
    }

    @Test
    void acceptsUnknownExtraFields() {
        assertInstanceOf(ParsedPayload.PerEvent.class, parse("""
                {"container_id":"GTM-1","event_name":"e","timestamp_ms":1,"tags":[{"id":"1","status":"success","x":1}],"extra":{"a":[1]}}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // missing required fields
            "{\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"status\":\"success\"}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\"}]}",
            // wrong types
            "{\"container_id\":1,\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":[],\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":\"1\",\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":{}}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":15,\"status\":\"success\"}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[],\"user_data\":{\"has_email\":\"yes\"}}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[],\"ecommerce\":[]}",
            // unknown status, negative or non-integer numbers
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"ok\"}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"SUCCESS\"}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":-1,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1.5,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1e300,\"tags\":[]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":-5}]}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"execution_time\":2.5}]}",
            // empty strings, null, not an object
            "{\"container_id\":\"\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
            "{\"container_id\":null,\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
            "[]", "null", "42", "\"text\"",
            // malformed JSON, duplicate keys, trailing garbage
            "", "{", "{\"container_id\":\"G\",}", "{\"a\":1}{\"b\":2}",
            "{\"container_id\":\"G\",\"container_id\":\"H\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
    })
    void rejectsInvalidPerEventPayloads(String json) {
        assertInvalid(json);
    }

    @Test
    void rejectsMoreThan500Tags() {
        String tags = "{\"id\":\"1\",\"status\":\"success\"},".repeat(501);
        assertInvalid("{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":["
                + tags.substring(0, tags.length() - 1) + "]}");
    }

    @Test
    void rejectsDeepNestingBeforeItCostsStack() {
        assertInvalid("{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    }

    @Test
    void rejectsHugeNumbersAndStrings() {
        assertInvalid("{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":" + "9".repeat(5000) + ",\"tags\":[]}");
        assertInvalid("{\"container_id\":\"" + "G".repeat(100_000) + "\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] body = "{\"container_id\":\"G\u00e9\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertInstanceOf(ParsedPayload.Invalid.class, validator.parse(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"container_id\":\"G\",\"batch\":true,\"window_end_ms\":2,\"total_events\":1,\"tag_metrics\":{}}",
            "{\"container_id\":\"G\",\"batch\":true,\"window_start_ms\":1,\"window_end_ms\":2,\"total_events\":-1,\"tag_metrics\":{}}",
            "{\"container_id\":\"G\",\"batch\":true,\"window_start_ms\":1,\"window_end_ms\":2,\"total_events\":1,\"tag_metrics\":{\"t\":{\"success\":1}}}",
            "{\"container_id\":\"G\",\"batch\":true,\"window_start_ms\":1,\"window_end_ms\":2,\"total_events\":1,\"tag_metrics\":{},\"event_counts\":{\"a\":\"1\"}}",
            "{\"container_id\":\"G\",\"batch\":true,\"window_start_ms\":5,\"window_end_ms\":2,\"total_events\":1,\"tag_metrics\":{}}",
    })
    void rejectsInvalidBatchedPayloads(String json) {
        assertInvalid(json);
    }

    @Test
    void batchFalseOrAbsentMeansPerEvent() {
        assertInstanceOf(ParsedPayload.PerEvent.class,
                parse("{\"container_id\":\"G\",\"batch\":false,\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}"));
        assertInvalid("{\"container_id\":\"G\",\"batch\":\"true\",\"window_start_ms\":1,\"window_end_ms\":2,\"total_events\":1,\"tag_metrics\":{}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":0,\"tags\":[]}",
            "{\"tags\":[{\"status\":\"timeout\",\"id\":\"9\"}],\"timestamp_ms\":253402300799999,\"event_name\":\"é 😀\","
                    + "\"container_id\":\"GTM-Ü\",\"batch\":false,\"extra\":{\"tags\":1}}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"name\":\"\","
                    + "\"status\":\"exception\",\"execution_time\":4294967295,\"x\":[]},{\"id\":\"2\",\"name\":\"B\","
                    + "\"status\":\"failure\",\"execution_time\":0}],\"user_data\":{},\"ecommerce\":{\"has_items\":true,\"y\":1}}",
            "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\"}],"
                    + "\"user_data\":{\"has_email\":true,\"has_phone\":false,\"has_first_name\":true,\"has_last_name\":true,"
                    + "\"has_city\":true,\"has_country\":true},\"ecommerce\":{\"has_value\":true,\"has_currency\":true,"
                    + "\"has_transaction_id\":true,\"has_items\":false}}",
    })
    void readsPerEventDocumentsExactlyAsJacksonDataBindingWould(String json) throws IOException {
        assertEquals(ProbrJson.newMapper().readValue(json, PerEventPayload.class),
                ((ParsedPayload.PerEvent) parse(json)).payload());
    }

    @Test
    void readsTheSeedsExactlyAsJacksonDataBindingWould() throws IOException {
        for (String seed : List.of("per-event.json", "per-event-minimal.json")) {
            assertEquals(ProbrJson.newMapper().readValue(seed(seed), PerEventPayload.class),
                    ((ParsedPayload.PerEvent) validator.parse(seed(seed))).payload(), seed);
        }
    }

    @Test
    void namesADuplicateKeyAtAnyDepth() {
        assertEquals(List.of("malformed JSON: Duplicate field 'status'"), ((ParsedPayload.Invalid) parse(
                "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,"
                        + "\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"status\":\"failure\"}]}")).errors());
    }

    @Test
    void refusesNonAsciiBytesAnywhereUnlessValidUtf8() {
        String valid = "{\"container_id\":\"G\",\"event_name\":\"é\",\"timestamp_ms\":1,\"tags\":[]}";
        assertInstanceOf(ParsedPayload.PerEvent.class, validator.parse(valid.getBytes(StandardCharsets.UTF_8)));
        byte[] ascii = valid.replace("é", "e").getBytes(StandardCharsets.US_ASCII);
        // a lone continuation byte in each position of the 8-byte words and of the tail
        for (int at = 1; at < ascii.length - 1; at++) {
            byte[] broken = ascii.clone();
            broken[at] = (byte) 0x80;
            assertInstanceOf(ParsedPayload.Invalid.class, validator.parse(broken), "0x80 at " + at);
        }
    }

    @Test
    void reportsWhichFieldIsWrong() {
        ParsedPayload.Invalid invalid = (ParsedPayload.Invalid) parse(
                "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"ok\"}]}");
        assertTrue(invalid.errors().stream().anyMatch(e -> e.contains("status")), invalid.errors()::toString);
    }
}
