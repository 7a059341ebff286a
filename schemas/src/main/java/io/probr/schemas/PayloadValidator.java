package io.probr.schemas;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Parses a body with the hardened mapper and validates it against the JSON Schema of its shape
 * ({@code "batch": true} selects the batched schema). The schema files under {@code /schemas} are the
 * single source of truth for what is valid; this class only adds the rules JSON Schema cannot express.
 * Thread-safe.
 */
public final class PayloadValidator {
    public static final String PER_EVENT_SCHEMA = "/schemas/per-event.schema.json";
    public static final String BATCHED_SCHEMA = "/schemas/batched.schema.json";

    private final ObjectMapper mapper;
    private final JsonSchema perEventSchema;
    private final JsonSchema batchedSchema;

    public PayloadValidator(ObjectMapper mapper) {
        this.mapper = mapper;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().build();
        this.perEventSchema = load(factory, config, PER_EVENT_SCHEMA);
        this.batchedSchema = load(factory, config, BATCHED_SCHEMA);
    }

    public PayloadValidator() {
        this(ProbrJson.newMapper());
    }

    public ParsedPayload parse(byte[] body) {
        if (!isStrictUtf8(body)) {
            return ParsedPayload.Invalid.of("the body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JacksonException e) {
            return ParsedPayload.Invalid.of("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return ParsedPayload.Invalid.of("unreadable body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            return ParsedPayload.Invalid.of("the payload must be a JSON object");
        }
        return node.path("batch").asBoolean(false) && node.get("batch").isBoolean()
                ? parseBatched(node)
                : parsePerEvent(node);
    }

    /**
     * Jackson rejects most malformed UTF-8 but decodes overlong forms (0xC0 0xAF as '/'), which would let two
     * different byte strings carry the same container id. The JDK decoder refuses every malformed sequence.
     */
    private static boolean isStrictUtf8(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true; // pure ASCII, the common case, needs no decoding
    }

    /** Schema errors of a batched document, empty when it is valid; used to check computed windows. */
    public List<String> batchedSchemaErrors(JsonNode node) {
        return messages(batchedSchema.validate(node));
    }

    private ParsedPayload parsePerEvent(JsonNode node) {
        List<String> errors = messages(perEventSchema.validate(node));
        if (!errors.isEmpty()) {
            return new ParsedPayload.Invalid(errors);
        }
        return new ParsedPayload.PerEvent(convert(node, PerEventPayload.class));
    }

    private ParsedPayload parseBatched(JsonNode node) {
        List<String> errors = batchedSchemaErrors(node);
        if (!errors.isEmpty()) {
            return new ParsedPayload.Invalid(errors);
        }
        BatchedPayload payload = convert(node, BatchedPayload.class);
        if (payload.windowEndMs() < payload.windowStartMs()) {
            return ParsedPayload.Invalid.of("$.window_end_ms: must not be before window_start_ms");
        }
        return new ParsedPayload.Batched(payload);
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JacksonException e) {
            // The schema admits only documents the records can hold; reaching here is a bug in one of them.
            throw new IllegalStateException("schema-valid payload did not map to " + type.getSimpleName(), e);
        }
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static JsonSchema load(JsonSchemaFactory factory, SchemaValidatorsConfig config, String resource) {
        try (InputStream in = PayloadValidator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + resource);
            }
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
