package io.probr.schemas;

/**
 * Headers on a record in {@link Topic#DLQ}: the record's original key, value and headers are kept, and
 * these say why and where it came from, so it can be inspected and replayed once fixed.
 */
public final class DlqHeaders {
    public static final String REASON = "probr-dlq-reason";
    public static final String SOURCE_TOPIC = "probr-dlq-source-topic";
    public static final String SOURCE_PARTITION = "probr-dlq-source-partition";
    public static final String SOURCE_OFFSET = "probr-dlq-source-offset";
    /** The service that gave up on the record: {@code stream-aggregator} or {@code clickhouse-sink}. */
    public static final String FAILED_BY = "probr-dlq-failed-by";

    private DlqHeaders() {
    }
}
