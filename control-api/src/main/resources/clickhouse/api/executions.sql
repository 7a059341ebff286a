-- params: trigger_id String, status String, start_ms UInt64, end_ms UInt64
-- Changes of incidents (EchoTag's executions), newest first. The Java side appends LIMIT offset, limit + 1.
SELECT transition_id, incident_id, trigger_id, trigger_name, site_id, container_id, tag, toString(status) AS status_name,
       metric, value, threshold, window_start_ms, window_end_ms, at_ms
FROM probr.alert_executions FINAL
WHERE at_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND at_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND at_ms >= (SELECT start_ms FROM p)
  AND at_ms < (SELECT end_ms FROM p)
  AND trigger_id = (SELECT trigger_id FROM p)  -- if trigger_id
  AND toString(status) = (SELECT status FROM p)  -- if status
ORDER BY at_ms DESC, transition_id DESC
