-- params: ingest_ids Array(String), start_ms UInt64, end_ms UInt64
-- The tag executions of the listed events, in the order the tags ran.
SELECT toString(ingest_id) AS event_id, tag_index, tag, tag_id, tag_name, toString(status) AS status, execution_ms
FROM probr.tag_executions FINAL
WHERE has((SELECT ingest_ids FROM p), toString(ingest_id))
  AND event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
ORDER BY event_id, tag_index
