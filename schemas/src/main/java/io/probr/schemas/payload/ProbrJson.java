package io.probr.schemas.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * The one way every module builds its Jackson mapper, hardened against hostile input: Probr payloads
 * nest fewer than 5 levels and carry short strings and numbers, so anything deeper or longer is refused
 * by the parser before it can cost stack or memory. Untrusted input is read as a tree ({@code readTree}),
 * which refuses duplicate keys; a mapper reading untrusted input straight into classes must enable
 * {@code JsonParser.Feature.STRICT_DUPLICATE_DETECTION} itself.
 */
public final class ProbrJson {
    public static final int MAX_NESTING_DEPTH = 16;
    public static final int MAX_STRING_LENGTH = 16 * 1024;
    public static final int MAX_NUMBER_LENGTH = 32;
    public static final int MAX_NAME_LENGTH = 1024;

    private ProbrJson() {
    }

    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .build())
                .build();
        // Duplicate keys are refused while the tree is built (the node's map reports the key it replaced), which
        // costs nothing; the parser's STRICT_DUPLICATE_DETECTION keeps a set per object, a fifth of a parse.
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }
}
