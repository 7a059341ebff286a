-- params: container_id String, event_name String, tag String, status String, start_ms UInt64, end_ms UInt64
-- Per-event payloads newest first; tag and status keep the events with an execution matching both.
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
WHERE ((SELECT container_id FROM p) = '' OR container_id = (SELECT container_id FROM p))
  AND ((SELECT event_name FROM p) = '' OR event_name = (SELECT event_name FROM p))
  AND event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p)
  AND timestamp_ms < (SELECT end_ms FROM p)
  AND ((SELECT tag FROM p) = '' AND (SELECT status FROM p) = '' OR ingest_id IN
  (
      SELECT ingest_id
      FROM probr.tag_executions FINAL
      WHERE ((SELECT container_id FROM p) = '' OR container_id = (SELECT container_id FROM p))
        AND event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
        AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
        AND timestamp_ms >= (SELECT start_ms FROM p)
        AND timestamp_ms < (SELECT end_ms FROM p)
        AND ((SELECT tag FROM p) = '' OR tag = (SELECT tag FROM p))
        AND ((SELECT status FROM p) = '' OR toString(status) = (SELECT status FROM p))
  ))
ORDER BY timestamp_ms DESC, event_id DESC
