package io.probr.schemas.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on a record in {@link Topic#DLQ}: the record's original key, value and headers are kept, and
 * these say why and where it came from, so it can be inspected and replayed once fixed.
 */
public final class DlqHeaders {
    /** What went wrong, for people. */
    public static final String REASON = "probr-dlq-reason";
    /** The {@link DeadLetterReason#code()}, for filters and counts. */
    public static final String REASON_CODE = "probr-dlq-reason-code";
    public static final String SOURCE_TOPIC = "probr-dlq-source-topic";
    public static final String SOURCE_PARTITION = "probr-dlq-source-partition";
    public static final String SOURCE_OFFSET = "probr-dlq-source-offset";
    /** The service that gave up on the record: {@code stream-aggregator} or {@code clickhouse-sink}. */
    public static final String FAILED_BY = "probr-dlq-failed-by";

    private DlqHeaders() {
    }

    /** Adds why a record was given up on, and by which service. */
    public static Headers addFailure(Headers headers, DeadLetterReason code, String reason, String failedBy) {
        return headers.add(REASON_CODE, utf8(code.code())).add(REASON, utf8(reason)).add(FAILED_BY, utf8(failedBy));
    }

    /** Adds where the record was read from, so it can be found and replayed. */
    public static Headers addSource(Headers headers, String topic, int partition, long offset) {
        return headers.add(SOURCE_TOPIC, utf8(topic))
                .add(SOURCE_PARTITION, utf8(Integer.toString(partition)))
                .add(SOURCE_OFFSET, utf8(Long.toString(offset)));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
