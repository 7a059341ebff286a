package io.probr.ingest.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonContentTypeTest {
    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
            "application/json; charset=\"utf-8\""})
    void acceptsJsonInUtf8(String contentType) {
        assertTrue(JsonContentType.isJson(contentType));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
            "application/json; charset=iso-8859-1", "text/json"})
    void refusesEverythingElse(String contentType) {
        assertFalse(JsonContentType.isJson(contentType));
    }
}
