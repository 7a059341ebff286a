package io.probr.schemas.topic;

/**
 * Why a record went to {@link Topic#DLQ}, as the {@link DlqHeaders#REASON_CODE} header and the metrics' label say
 * it: a short, stable code to filter and count on, next to the human message in {@link DlqHeaders#REASON}.
 */
public enum DeadLetterReason {
    /** Not a payload of the contract (schema, JSON, encoding), or an empty record. */
    INVALID_PAYLOAD("invalid_payload"),
    /** A valid payload of the other shape for its topic, or a topic the service does not read. */
    WRONG_TOPIC("wrong_topic"),
    /** The record's key or the edge's headers do not match its payload. */
    INVALID_METADATA("invalid_metadata"),
    /** An event time more than the allowed clock skew ahead of the record's arrival. */
    FUTURE_TIMESTAMP("future_timestamp"),
    /** An event time ClickHouse's {@code DateTime} cannot hold (before 1970 or after 2106-02-07). */
    TIMESTAMP_OUT_OF_RANGE("timestamp_out_of_range"),
    /** An open window of an aggregator whose stored stream time was beyond the clock (state from older code). */
    UNTRUSTED_WINDOW("untrusted_window"),
    /** A window the aggregator computed that fails the batched schema (a bug, kept visible). */
    INVALID_WINDOW("invalid_window"),
    /** Rows ClickHouse refused with an error no retry can fix (a value it cannot store, a constraint). */
    CLICKHOUSE_REFUSED("clickhouse_refused");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
