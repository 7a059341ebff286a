package io.probr.schemas.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the usual shape of a per-event payload straight off Jackson's parser, with no tree and no schema
 * validator: a fifth of the cost of the schema path on the hot path of the edge, the aggregator and the sink.
 * It only ever accepts. Wherever it is not sure what the schema would say — a field it does not know, a key
 * given twice, a value of another type, a batched payload, a malformed body — it answers {@code null} and the
 * schema path judges the body and words the errors. {@code PerEventReaderTest} checks on generated bodies that
 * whatever it accepts, the schema accepts as the same record.
 */
final class PerEventReader {
    private static final int MAX_STRING_LENGTH = 256;
    private static final int MAX_TAGS = 500;
    private static final long MAX_TIMESTAMP_MS = 253_402_300_799_999L;
    private static final long MAX_EXECUTION_MS = 4_294_967_295L;

    private final JsonFactory factory;

    /** {@code factory}: the hardened mapper's, so the same nesting and length limits apply. */
    PerEventReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** The payload, or {@code null} when the schema path must decide. */
    PerEventPayload read(byte[] body) {
        try (JsonParser parser = factory.createParser(body)) {
            PerEventPayload payload = payload(parser);
            return parser.nextToken() == null ? payload : null;
        } catch (NotSure | IOException e) {
            return null;
        }
    }

    private static PerEventPayload payload(JsonParser p) throws IOException, NotSure {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        String containerId = null;
        String eventName = null;
        long timestampMs = -1;
        List<PerEventPayload.Tag> tags = null;
        PerEventPayload.UserData userData = null;
        PerEventPayload.Ecommerce ecommerce = null;
        Fields seen = new Fields();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken value = p.nextToken();
            switch (seen.first(field)) {
                case "container_id" -> containerId = nonEmpty(p, value);
                case "event_name" -> eventName = nonEmpty(p, value);
                case "timestamp_ms" -> timestampMs = integer(p, value, MAX_TIMESTAMP_MS);
                case "batch" -> expect(value, JsonToken.VALUE_FALSE);
                case "tags" -> tags = tags(p, value);
                case "user_data" -> userData = userData(p, value);
                case "ecommerce" -> ecommerce = ecommerce(p, value);
                default -> throw NotSure.INSTANCE;
            }
        }
        if (containerId == null || eventName == null || timestampMs < 0 || tags == null) {
            throw NotSure.INSTANCE;
        }
        return new PerEventPayload(containerId, eventName, timestampMs, tags, userData, ecommerce);
    }

    private static List<PerEventPayload.Tag> tags(JsonParser p, JsonToken value) throws IOException, NotSure {
        expect(value, JsonToken.START_ARRAY);
        List<PerEventPayload.Tag> tags = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (tags.size() == MAX_TAGS) {
                throw NotSure.INSTANCE;
            }
            tags.add(tag(p, item));
        }
        return tags;
    }

    private static PerEventPayload.Tag tag(JsonParser p, JsonToken value) throws IOException, NotSure {
        expect(value, JsonToken.START_OBJECT);
        String id = null;
        String name = null;
        TagStatus status = null;
        Long executionTime = null;
        Fields seen = new Fields();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken token = p.nextToken();
            switch (seen.first(field)) {
                case "id" -> id = nonEmpty(p, token);
                case "name" -> name = string(p, token, 0);
                case "status" -> status = status(p, token);
                case "execution_time" -> executionTime = integer(p, token, MAX_EXECUTION_MS);
                default -> throw NotSure.INSTANCE;
            }
        }
        if (id == null || status == null) {
            throw NotSure.INSTANCE;
        }
        return new PerEventPayload.Tag(id, name, status, executionTime);
    }

    private static PerEventPayload.UserData userData(JsonParser p, JsonToken value) throws IOException, NotSure {
        boolean[] flags = flags(p, value, "has_email", "has_phone", "has_first_name", "has_last_name", "has_city",
                "has_country");
        return new PerEventPayload.UserData(flags[0], flags[1], flags[2], flags[3], flags[4], flags[5]);
    }

    private static PerEventPayload.Ecommerce ecommerce(JsonParser p, JsonToken value) throws IOException, NotSure {
        boolean[] flags = flags(p, value, "has_value", "has_currency", "has_transaction_id", "has_items");
        return new PerEventPayload.Ecommerce(flags[0], flags[1], flags[2], flags[3]);
    }

    /** An object of boolean flags, each named at most once; an absent flag is false. */
    private static boolean[] flags(JsonParser p, JsonToken value, String... names) throws IOException, NotSure {
        expect(value, JsonToken.START_OBJECT);
        boolean[] flags = new boolean[names.length];
        Fields seen = new Fields();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken token = p.nextToken();
            if (!token.isBoolean()) {
                throw NotSure.INSTANCE;
            }
            flags[indexOf(names, seen.first(field))] = token == JsonToken.VALUE_TRUE;
        }
        return flags;
    }

    private static int indexOf(String[] names, String field) throws NotSure {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(field)) {
                return i;
            }
        }
        throw NotSure.INSTANCE;
    }

    private static String nonEmpty(JsonParser p, JsonToken value) throws IOException, NotSure {
        return string(p, value, 1);
    }

    /**
     * The schema bounds strings in code points; a string has at least as many chars as code points, so one
     * within the bounds in chars is within them in code points (astral characters can only send it to the
     * schema path).
     */
    private static String string(JsonParser p, JsonToken value, int minLength) throws IOException, NotSure {
        expect(value, JsonToken.VALUE_STRING);
        String text = p.getText();
        if (text.length() < minLength || text.length() > MAX_STRING_LENGTH) {
            throw NotSure.INSTANCE;
        }
        return text;
    }

    /** A plain integer literal within [0, max]; {@code 1.0}, which the schema counts as an integer, is not sure. */
    private static long integer(JsonParser p, JsonToken value, long max) throws IOException, NotSure {
        expect(value, JsonToken.VALUE_NUMBER_INT);
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw NotSure.INSTANCE;
        }
        long number = p.getLongValue();
        if (number < 0 || number > max) {
            throw NotSure.INSTANCE;
        }
        return number;
    }

    private static TagStatus status(JsonParser p, JsonToken value) throws IOException, NotSure {
        expect(value, JsonToken.VALUE_STRING);
        TagStatus status = TagStatus.exactly(p.getText());
        if (status == null) {
            throw NotSure.INSTANCE;
        }
        return status;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws NotSure {
        if (actual != expected) {
            throw NotSure.INSTANCE;
        }
    }

    /** The keys of one object so far; a key given twice is for the schema path to refuse. */
    private static final class Fields {
        private final List<String> names = new ArrayList<>(8);

        String first(String field) throws NotSure {
            if (names.contains(field)) {
                throw NotSure.INSTANCE;
            }
            names.add(field);
            return field;
        }
    }

    /** Where the reader leaves the body to the schema path; common enough that it carries no stack trace. */
    private static final class NotSure extends Exception {
        static final NotSure INSTANCE = new NotSure();

        private NotSure() {
            super("left to the schema path", null, false, false);
        }
    }
}
