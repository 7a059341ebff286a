package io.probr.alerting.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.probr.schemas.payload.ProbrJson;
import java.io.IOException;

/** The alerting stores' values and output records, as JSON; a value that cannot be read is a bug, not input. */
final class StoreJson {
    private static final ObjectMapper JSON = ProbrJson.newMapper();

    private StoreJson() {
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the alerting store", e);
        }
    }
}
