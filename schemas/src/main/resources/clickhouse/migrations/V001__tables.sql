-- Probr tables. Valid on ClickHouse 18.16 (tests, local stack) and on current releases (production):
-- no DateTime64, Map, LowCardinality or TTL; timestamps are UInt64 milliseconds plus derived DateTime/Date.
--
-- Idempotency: every table is a ReplacingMergeTree whose sort key ends with the record's identity
-- (ingest id, plus tag index or tag; the window identity for windows). A replay or a crash between insert
-- and offset commit writes the same key again; merges keep one row, and queries read with FINAL so results
-- are exact before merges happen.
--
-- Partitions are months of event time (window start for windows): old months can be dropped or re-replayed
-- one at a time, and a time filter prunes whole partitions. Sort keys start with container_id because
-- analysts look at one container (or group by it) and then at a time range within it.

CREATE DATABASE IF NOT EXISTS probr;

-- One row per per-event payload (probr.events.v1).
CREATE TABLE IF NOT EXISTS probr.events
(
    ingest_id UUID,
    container_id String,
    event_name String,
    timestamp_ms UInt64,
    event_time DateTime('UTC') MATERIALIZED toDateTime(intDiv(timestamp_ms, 1000), 'UTC'),
    event_date Date MATERIALIZED toDate(toDateTime(intDiv(timestamp_ms, 1000), 'UTC')),
    received_at_ms UInt64,
    key_id String,
    site_id String,
    tag_count UInt16,
    has_user_data UInt8,
    has_email UInt8,
    has_phone UInt8,
    has_first_name UInt8,
    has_last_name UInt8,
    has_city UInt8,
    has_country UInt8,
    has_ecommerce UInt8,
    has_value UInt8,
    has_currency UInt8,
    has_transaction_id UInt8,
    has_items UInt8
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(event_date)
ORDER BY (container_id, event_date, event_name, ingest_id);

-- One row per tag execution: the table analysts query most ("which tag fails, how slowly").
-- tag = the tag's name, or its id when it has none: the same key the windows use for tag_metrics.
CREATE TABLE IF NOT EXISTS probr.tag_executions
(
    ingest_id UUID,
    tag_index UInt16,
    container_id String,
    event_name String,
    timestamp_ms UInt64,
    event_time DateTime('UTC') MATERIALIZED toDateTime(intDiv(timestamp_ms, 1000), 'UTC'),
    event_date Date MATERIALIZED toDate(toDateTime(intDiv(timestamp_ms, 1000), 'UTC')),
    tag String,
    tag_id String,
    tag_name String,
    status Enum8('success' = 1, 'failure' = 2, 'timeout' = 3, 'exception' = 4),
    execution_ms Nullable(UInt32)
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(event_date)
ORDER BY (container_id, event_date, tag, ingest_id, tag_index);

-- One row per tag per window part per source. source 'tag_batch': a batch a tag sent (part = its ingest
-- id, since several sGTM instances may each send a batch for the same window); 'stream': a window computed
-- by the aggregator (part = 'final', or 'late-<ingest id>' for a correction). A window's figures are the
-- sums over its parts.
CREATE TABLE IF NOT EXISTS probr.tag_windows
(
    source Enum8('tag_batch' = 1, 'stream' = 2),
    container_id String,
    window_start_ms UInt64,
    window_end_ms UInt64,
    window_start DateTime('UTC') MATERIALIZED toDateTime(intDiv(window_start_ms, 1000), 'UTC'),
    window_date Date MATERIALIZED toDate(toDateTime(intDiv(window_start_ms, 1000), 'UTC')),
    window_part String,
    tag String,
    success UInt64,
    failure UInt64,
    timeout UInt64,
    exception UInt64,
    total_exec_ms UInt64,
    count UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(window_date)
ORDER BY (container_id, window_start_ms, source, tag, window_end_ms, window_part);

-- One row per window part per source, with the event counts and the data-quality counters.
CREATE TABLE IF NOT EXISTS probr.windows
(
    source Enum8('tag_batch' = 1, 'stream' = 2),
    container_id String,
    window_start_ms UInt64,
    window_end_ms UInt64,
    window_start DateTime('UTC') MATERIALIZED toDateTime(intDiv(window_start_ms, 1000), 'UTC'),
    window_date Date MATERIALIZED toDate(toDateTime(intDiv(window_start_ms, 1000), 'UTC')),
    window_part String,
    total_events UInt64,
    event_counts Nested(event_name String, count UInt64),
    user_data_email UInt64,
    user_data_phone UInt64,
    user_data_address UInt64,
    user_data_total UInt64,
    ecommerce_value UInt64,
    ecommerce_currency UInt64,
    ecommerce_transaction_id UInt64,
    ecommerce_items UInt64,
    ecommerce_total UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(window_date)
ORDER BY (container_id, window_start_ms, source, window_end_ms, window_part);
