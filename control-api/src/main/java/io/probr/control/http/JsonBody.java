package io.probr.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request's JSON object, read strictly: an unknown field, a wrong type or a value out of bounds is a 400
 * that names the field, so a typo never silently does nothing.
 */
public final class JsonBody {
    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    public static JsonBody parse(ObjectMapper json, String body, Set<String> allowedFields) {
        JsonNode parsed;
        try {
            parsed = body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (Exception e) {
            throw ApiError.invalid("body", "not valid JSON");
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw ApiError.invalid("body", "must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw ApiError.invalid(name, "unknown field; expected one of " + new java.util.TreeSet<>(allowedFields));
            }
        }
        return new JsonBody(object);
    }

    public boolean has(String field) {
        return node.hasNonNull(field);
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public Optional<String> string(String field, int maxLength, Pattern pattern, String patternHint) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.invalid(field, "must be a string");
        }
        String text = value.textValue();
        if (text.isEmpty() || text.length() > maxLength) {
            throw ApiError.invalid(field, "must be 1 to " + maxLength + " characters");
        }
        if (pattern != null && !pattern.matcher(text).matches()) {
            throw ApiError.invalid(field, "must be " + patternHint);
        }
        return Optional.of(text);
    }

    public String requiredString(String field, int maxLength, Pattern pattern, String patternHint) {
        return string(field, maxLength, pattern, patternHint)
                .orElseThrow(() -> ApiError.invalid(field, "is required"));
    }

    public Optional<Boolean> bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(field, "must be true or false");
        }
        return Optional.of(value.booleanValue());
    }

    public Optional<Long> integer(String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw ApiError.invalid(field, "must be an integer from " + min + " to " + max);
        }
        return Optional.of(value.longValue());
    }

    public Optional<Double> positiveNumber(String field, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || !(value.doubleValue() > 0) || value.doubleValue() > max) {
            throw ApiError.invalid(field, "must be a number above 0 and at most " + max);
        }
        return Optional.of(value.doubleValue());
    }

    public Optional<List<String>> strings(String field, int maxItems, int maxLength, Pattern pattern, String hint) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray() || value.size() > maxItems) {
            throw ApiError.invalid(field, "must be a list of at most " + maxItems + " strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.textValue().isEmpty() || item.textValue().length() > maxLength
                    || (pattern != null && !pattern.matcher(item.textValue()).matches())) {
                throw ApiError.invalid(field, "every item must be " + hint);
            }
            items.add(item.textValue());
        }
        return Optional.of(List.copyOf(new java.util.LinkedHashSet<>(items)));
    }
}
