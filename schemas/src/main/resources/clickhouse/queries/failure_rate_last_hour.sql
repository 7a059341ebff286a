-- Failure rate per tag over the last hour (failed = failure, timeout or exception)
SELECT
    container_id,
    tag,
    count() AS executions,
    countIf(status != 'success') AS failed,
    round(failed / executions, 4) AS failure_rate
FROM probr.tag_executions FINAL
WHERE event_date >= toDate(now() - INTERVAL 1 HOUR)
  AND event_time >= now() - INTERVAL 1 HOUR
GROUP BY container_id, tag
ORDER BY failure_rate DESC, executions DESC
