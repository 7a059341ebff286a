-- Alerting: the changes of incidents (GET /v1/executions) and every webhook delivery attempt
-- (GET /v1/webhooks/{id}/logs), written by the alerting process. Same rules as V001: valid on 18.16 and current
-- releases, ReplacingMergeTree keyed by identity so a repeated write is one row, read with FINAL.

-- One row per change of an incident (firing, resolved).
CREATE TABLE IF NOT EXISTS probr.alert_executions
(
    transition_id String,
    incident_id String,
    trigger_id String,
    trigger_name String,
    site_id String,
    container_id String,
    tag String,
    status Enum8('firing' = 1, 'resolved' = 2),
    metric String,
    value Float64,
    threshold Float64,
    window_start_ms UInt64,
    window_end_ms UInt64,
    at_ms UInt64,
    at_date Date MATERIALIZED toDate(toDateTime(intDiv(at_ms, 1000), 'UTC'))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at_date)
ORDER BY (trigger_id, at_ms, transition_id);

-- One row per attempt at a webhook delivery; a delivery's id is the same across its attempts.
CREATE TABLE IF NOT EXISTS probr.webhook_deliveries
(
    delivery_id String,
    attempt UInt16,
    webhook_id String,
    transition_id String,
    incident_id String,
    trigger_id String,
    event String,
    started_at_ms UInt64,
    started_date Date MATERIALIZED toDate(toDateTime(intDiv(started_at_ms, 1000), 'UTC')),
    status_code UInt16,
    error String,
    latency_ms UInt32,
    response_body String,
    outcome Enum8('success' = 1, 'retrying' = 2, 'failed' = 3),
    next_attempt_at_ms UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(started_date)
ORDER BY (webhook_id, delivery_id, attempt);
