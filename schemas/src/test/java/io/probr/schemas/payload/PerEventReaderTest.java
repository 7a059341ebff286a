package io.probr.schemas.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader may only ever accept what the schema accepts, as the same record: checked on bodies generated
 * around every bound and type the per-event schema names, with unknown and repeated keys, nesting and
 * trailing tokens mixed in.
 */
class PerEventReaderTest {
    private static final int BODIES = 60_000;

    private final PayloadValidator validator = new PayloadValidator();
    private final PerEventReader reader = new PerEventReader(ProbrJson.newMapper().getFactory());

    @Test
    void acceptsOnlyWhatTheSchemaAcceptsAsTheSameRecord() {
        Random random = new Random(20261123L);
        int schemaAccepted = 0;
        int readerAccepted = 0;
        for (int i = 0; i < BODIES; i++) {
            String json = new BodyGenerator(random).document();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ParsedPayload bySchema = validator.parseWithSchema(body);
            PerEventPayload byReader = reader.read(body);
            if (byReader != null) {
                readerAccepted++;
                ParsedPayload.PerEvent accepted = assertInstanceOf(ParsedPayload.PerEvent.class, bySchema,
                        () -> "the reader accepted what the schema refuses: " + json);
                assertEquals(accepted.payload(), byReader, json);
            }
            if (bySchema instanceof ParsedPayload.PerEvent) {
                schemaAccepted++;
            }
            assertEquals(bySchema, validator.parse(body), json);
        }
        // the generator must reach both sides, and the reader must take the usual bodies, or this proves little
        assertTrue(schemaAccepted > BODIES / 10 && schemaAccepted < BODIES * 9 / 10, "schema accepted " + schemaAccepted);
        assertTrue(readerAccepted > schemaAccepted / 3, "reader accepted " + readerAccepted + " of " + schemaAccepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-event.json", "per-event-minimal.json"})
    void takesTheSeedsItself(String seed) throws IOException {
        byte[] body = PayloadValidatorTest.seed(seed);
        assertEquals(validator.parseWithSchema(body), new ParsedPayload.PerEvent(reader.read(body)));
    }

    /** Valid bodies it is not sure of (the first four), then invalid ones: the schema decides and words the errors. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[],\"extra\":1}",
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1.0,\"tags\":[]}",
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[],\"user_data\":{\"has_age\":1}}",
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[{\"id\":\"1\",\"status\":\"success\",\"x\":[]}]}",
        "{\"container_id\":\"G\",\"container_id\":\"H\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]}",
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[]} {}",
        "{\"container_id\":\"G\",\"event_name\":\"e\",\"timestamp_ms\":1,\"tags\":[],\"batch\":true}",
    })
    void leavesBodiesItIsNotSureOfToTheSchema(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        assertNull(reader.read(body));
        assertEquals(validator.parseWithSchema(body), validator.parse(body));
    }

    /** Random per-event documents: mostly well formed, each part now and then replaced by a near miss. */
    private static final class BodyGenerator {
        private static final String LONGEST = "x".repeat(256);
        private static final String[] STRINGS = {"\"\"", "\"a\"", "\"GTM-ABC123\"", "\"" + LONGEST + "\"",
            "\"" + LONGEST + "y\"", "\"\u00e9t\u00e9\"", "\"\\u0041\\n\\\"\"", "\"" + "\ud83d\ude00".repeat(128) + "\"",
            "\"\\ud83d\\ude00\""};
        private static final String[] NOT_STRINGS = {"0", "-1", "1.5", "true", "false", "null", "{}", "[]",
            "[\"a\"]", "{\"a\":1}"};
        private static final String[] TIMESTAMPS = {"0", "1", "1708790400000", "-0", "253402300799999"};
        private static final String[] NEAR_TIMESTAMPS = {"-1", "253402300800000", "1.0", "1708790400000.5", "1e3",
            "99999999999999999999999", "\"1708790400000\"", "null", "true"};
        private static final String[] EXECUTION_TIMES = {"0", "120", "5000", "4294967295"};
        private static final String[] NEAR_EXECUTION_TIMES = {"-1", "4294967296", "12.0", "1E2", "\"120\"", "null",
            "false", "123456789012345678901234567890"};
        private static final String[] STATUSES = {"\"success\"", "\"failure\"", "\"timeout\"", "\"exception\""};
        private static final String[] NEAR_STATUSES = {"\"SUCCESS\"", "\"\"", "\"ok\"", "1", "null", "[\"success\"]"};
        private static final String[] NOT_BOOLEANS = {"0", "1", "\"true\"", "null", "{}", "[]"};
        private static final String[] UNKNOWN = {"1", "\"x\"", "null", "{\"a\":1,\"a\":2}", "[{\"b\":{}}]", "{\"c\":[1,2]}"};
        private static final String[] SPACE = {"", "", "", " ", "\n\t ", "\r\n"};

        private final Random random;

        BodyGenerator(Random random) {
            this.random = random;
        }

        String document() {
            if (chance(40)) {
                return pick("", "null", "[]", "\"x\"", "{", "{}", "{\"container_id\":}", "[{}]");
            }
            List<String> fields = new ArrayList<>();
            optional(fields, 97, "container_id", string(true));
            optional(fields, 97, "event_name", string(true));
            optional(fields, 97, "timestamp_ms", near(TIMESTAMPS, NEAR_TIMESTAMPS));
            optional(fields, 97, "tags", tags());
            optional(fields, 10, "batch", chance(3) ? pick("true", "null", "\"false\"", "0") : "false");
            optional(fields, 50, "user_data", flags("has_email", "has_phone", "has_first_name", "has_last_name",
                    "has_city", "has_country"));
            optional(fields, 50, "ecommerce", flags("has_value", "has_currency", "has_transaction_id", "has_items"));
            String trailing = chance(2) ? pick(" x", "{}", "]", ",", "\n") : "";
            return object(fields) + trailing;
        }

        private String tags() {
            if (chance(3)) {
                return pick(NOT_STRINGS);
            }
            int count = chance(1) ? 500 + random.nextInt(2) : random.nextInt(4);
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                tags.add(count > 100 ? "{\"id\":\"1\",\"status\":\"success\"}" : tag());
            }
            return "[" + space() + String.join("," + space(), tags) + space() + "]";
        }

        private String tag() {
            if (chance(3)) {
                return pick(NOT_STRINGS);
            }
            List<String> fields = new ArrayList<>();
            optional(fields, 97, "id", string(true));
            optional(fields, 60, "name", string(false));
            optional(fields, 97, "status", near(STATUSES, NEAR_STATUSES));
            optional(fields, 60, "execution_time", near(EXECUTION_TIMES, NEAR_EXECUTION_TIMES));
            return object(fields);
        }

        private String flags(String... names) {
            if (chance(3)) {
                return pick(NOT_STRINGS);
            }
            List<String> fields = new ArrayList<>();
            for (String name : names) {
                optional(fields, 70, name, chance(4) ? pick(NOT_BOOLEANS) : pick("true", "false"));
            }
            return object(fields);
        }

        /** The fields in random order, now and then with one given twice or an unknown one among them. */
        private String object(List<String> fields) {
            Collections.shuffle(fields, random);
            if (!fields.isEmpty() && chance(3)) {
                fields.add(fields.get(random.nextInt(fields.size())));
            }
            if (chance(4)) {
                fields.add(random.nextInt(fields.size() + 1), "\"extra\":" + pick(UNKNOWN));
            }
            return "{" + space() + String.join("," + space(), fields) + space() + "}";
        }

        private void optional(List<String> fields, int percent, String name, String value) {
            if (random.nextInt(100) < percent) {
                fields.add("\"" + name + "\"" + space() + ":" + space() + value);
            }
        }

        private String string(boolean nonEmpty) {
            if (chance(4)) {
                return pick(NOT_STRINGS);
            }
            return chance(15) || !nonEmpty && chance(10) ? pick(STRINGS) : pick("\"GTM-ABC123\"", "\"purchase\"", "\"15\"");
        }

        private String near(String[] usual, String[] nearMisses) {
            return chance(6) ? pick(nearMisses) : pick(usual);
        }

        private String space() {
            return pick(SPACE);
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private String pick(String... values) {
            return values[random.nextInt(values.length)];
        }
    }
}
