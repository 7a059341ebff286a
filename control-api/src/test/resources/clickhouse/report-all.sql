-- params: start_ms UInt64, end_ms UInt64, f_container_id Array(String), f_event_name Array(String), f_status Array(String), f_tag Array(String)
SELECT toString(event_date) AS day, concat(replaceOne(toString(toStartOfHour(event_time)), ' ', 'T'), 'Z') AS hour, container_id AS container_id, tag AS tag, event_name AS event_name, toString(status) AS status, count() AS executions, countIf(status != 'success') AS failures, round(countIf(status != 'success') / count(), 4) AS failure_rate, countIf(status = 'timeout') AS timeouts, round(avg(execution_ms), 1) AS avg_execution_ms, quantileExact(0.95)(execution_ms) AS p95_execution_ms, uniqExact(ingest_id) AS events
FROM probr.tag_executions FINAL
WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p) AND timestamp_ms < (SELECT end_ms FROM p)
  AND container_id IN (SELECT arrayJoin(f_container_id) FROM p)
  AND event_name IN (SELECT arrayJoin(f_event_name) FROM p)
  AND toString(status) IN (SELECT arrayJoin(f_status) FROM p)
  AND tag IN (SELECT arrayJoin(f_tag) FROM p)
GROUP BY day, hour, container_id, tag, event_name, status
ORDER BY day, hour, container_id, tag, event_name, status
LIMIT 10001
