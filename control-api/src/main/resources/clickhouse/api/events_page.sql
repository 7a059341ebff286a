-- params: container_id String, event_name String, tag String, status String, start_ms UInt64, end_ms UInt64
-- Per-event payloads newest first; tag and status keep the events with an execution matching both. A line
-- ending "-- if x" is kept only when x is given (an empty filter must not cost the index its use).
-- The Java side appends LIMIT offset, limit + 1 (two validated integers).
SELECT
    toString(ingest_id) AS event_id,
    container_id,
    event_name,
    timestamp_ms,
    received_at_ms,
    site_id,
    key_id,
    tag_count,
    has_user_data, has_email, has_phone, has_first_name, has_last_name, has_city, has_country,
    has_ecommerce, has_value, has_currency, has_transaction_id, has_items
FROM probr.events FINAL
WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p)
  AND timestamp_ms < (SELECT end_ms FROM p)
  AND container_id = (SELECT container_id FROM p)  -- if container_id
  AND event_name = (SELECT event_name FROM p)  -- if event_name
  AND ingest_id IN  -- if tag|status
  (  -- if tag|status
      SELECT ingest_id  -- if tag|status
      FROM probr.tag_executions FINAL  -- if tag|status
      WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))  -- if tag|status
        AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))  -- if tag|status
        AND timestamp_ms >= (SELECT start_ms FROM p)  -- if tag|status
        AND timestamp_ms < (SELECT end_ms FROM p)  -- if tag|status
        AND container_id = (SELECT container_id FROM p)  -- if tag|status  -- if container_id
        AND tag = (SELECT tag FROM p)  -- if tag
        AND toString(status) = (SELECT status FROM p)  -- if status
  )  -- if tag|status
ORDER BY timestamp_ms DESC, event_id DESC
