-- params: site_id String, start_ms UInt64, end_ms UInt64
-- The containers that sent per-event payloads in the range, with their site: a picker's list. No FINAL:
-- a replayed row changes neither the list nor the site.
SELECT container_id, argMax(site_id, received_at_ms) AS site
FROM probr.events
WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND timestamp_ms >= (SELECT start_ms FROM p)
  AND timestamp_ms < (SELECT end_ms FROM p)
  AND site_id = (SELECT site_id FROM p)  -- if site_id
GROUP BY container_id
ORDER BY container_id
LIMIT 1000
