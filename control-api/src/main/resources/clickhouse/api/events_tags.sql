-- params: ingest_ids Array(String), container_ids Array(String), start_ms UInt64, end_ms UInt64
-- The tag executions of the listed events (their containers and time span bound the read), in the order the
-- tags ran.
SELECT toString(ingest_id) AS event_id, tag_index, tag, tag_id, tag_name, toString(status) AS status, execution_ms
FROM probr.tag_executions FINAL
WHERE container_id IN (SELECT arrayJoin(container_ids) FROM p)
  AND event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p)
  AND timestamp_ms < (SELECT end_ms FROM p)
  AND ingest_id IN (SELECT toUUID(arrayJoin(ingest_ids)) FROM p)
ORDER BY event_id, tag_index
