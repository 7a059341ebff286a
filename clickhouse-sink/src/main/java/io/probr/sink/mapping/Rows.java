package io.probr.sink.mapping;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.payload.TagStatus;
import java.util.UUID;

/** The rows of the four Probr tables, one record type per table (see the V001 migration). */
public final class Rows {
    private Rows() {
    }

    /** {@code probr.events}; {@code userData}/{@code ecommerce} are {@code null} when the event had none. */
    public record EventRow(UUID ingestId, String containerId, String eventName, long timestampMs,
            long receivedAtMs, String keyId, String siteId, int tagCount,
            PerEventPayload.UserData userData, PerEventPayload.Ecommerce ecommerce) {
    }

    /** {@code probr.tag_executions}; {@code tagName} is empty and {@code executionMs} null when absent. */
    public record TagExecutionRow(UUID ingestId, int tagIndex, String containerId, String eventName,
            long timestampMs, String tag, String tagId, String tagName, TagStatus status, Long executionMs) {
    }

    /** Where a window comes from: {@code tag_batch} (sent by a tag) or {@code stream} (the aggregator). */
    public enum Source {
        TAG_BATCH("tag_batch"), STREAM("stream");

        private final String columnValue;

        Source(String columnValue) {
            this.columnValue = columnValue;
        }

        public String columnValue() {
            return columnValue;
        }
    }

    /** The identity of one window part: the idempotency key of {@code probr.windows} and {@code probr.tag_windows}. */
    public record WindowKey(Source source, String containerId, long windowStartMs, long windowEndMs, String part) {
    }

    /** {@code probr.windows}. */
    public record WindowRow(WindowKey key, BatchedPayload window) {
    }

    /** {@code probr.tag_windows}. */
    public record TagWindowRow(WindowKey key, String tag, BatchedPayload.TagMetrics metrics) {
    }
}
