package io.probr.schemas.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Names of the headers the edge puts on every record it writes ({@link IngestMetadata}); values are UTF-8 strings. */
public final class IngestHeaders {
    /** Unique, time-ordered id (UUIDv7) of the accepted request: the idempotency key into ClickHouse. */
    public static final String INGEST_ID = "probr-ingest-id";
    /** When the edge received the request, Unix milliseconds. */
    public static final String RECEIVED_AT_MS = "probr-received-at-ms";
    /** Public id of the ingestion key that authenticated the request (never the secret). */
    public static final String KEY_ID = "probr-key-id";
    /** Site the ingestion key belongs to. */
    public static final String SITE_ID = "probr-site-id";

    private IngestHeaders() {
    }

    /** The last value of header {@code name} as a string, or {@code null} when absent. */
    public static String read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
