-- params: container_id String, start_ms UInt64, end_ms UInt64
-- Per container and tag, from the batches tags sent themselves (windows starting in the range).
SELECT
    container_id,
    tag,
    sum(count) AS executions,
    sum(success) AS success,
    sum(failure) AS failure,
    sum(timeout) AS timeout,
    sum(exception) AS exception,
    sum(total_exec_ms) AS timed_ms,
    sum(count) AS timed_count
FROM probr.tag_windows FINAL
WHERE source = 'tag_batch'
  AND container_id = (SELECT container_id FROM p)  -- if container_id
  AND window_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND window_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND window_start_ms >= (SELECT start_ms FROM p)
  AND window_start_ms < (SELECT end_ms FROM p)
GROUP BY container_id, tag
