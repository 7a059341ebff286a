-- params: container_id String, start_ms UInt64, end_ms UInt64
-- Per container and tag, from the per-event payloads: executions by status, timed executions and p95.
SELECT
    container_id,
    tag,
    count() AS executions,
    countIf(status = 'success') AS success,
    countIf(status = 'failure') AS failure,
    countIf(status = 'timeout') AS timeout,
    countIf(status = 'exception') AS exception,
    sum(ifNull(execution_ms, 0)) AS timed_ms,
    count(execution_ms) AS timed_count,
    quantileExact(0.95)(execution_ms) AS p95_execution_ms
FROM probr.tag_executions FINAL
WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND container_id = (SELECT container_id FROM p)  -- if container_id
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p)
  AND timestamp_ms < (SELECT end_ms FROM p)
GROUP BY container_id, tag
