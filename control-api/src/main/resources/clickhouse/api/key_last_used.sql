-- params: key_ids Array(String), since_ms UInt64
-- When each key last posted an event, over events of the last days only (max needs no FINAL).
SELECT key_id, max(received_at_ms) AS last_used_ms
FROM probr.events
WHERE event_date >= toDate(toDateTime(intDiv((SELECT since_ms FROM p), 1000), 'UTC'))
  AND has((SELECT key_ids FROM p), key_id)
GROUP BY key_id
