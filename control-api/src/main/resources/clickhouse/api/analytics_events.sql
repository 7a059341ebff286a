-- params: container_id String, start_ms UInt64, end_ms UInt64, conversion_events Array(String)
-- Events by name, per-event payloads and tag batches together, most frequent first.
SELECT event_name, sum(n) AS events
FROM
(
    SELECT event_name, count() AS n
    FROM probr.events FINAL
    WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
      AND container_id = (SELECT container_id FROM p)  -- if container_id
      AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
      AND timestamp_ms >= (SELECT start_ms FROM p)
      AND timestamp_ms < (SELECT end_ms FROM p)
    GROUP BY event_name
    UNION ALL
    SELECT event_counts.event_name AS event_name, sum(event_counts.count) AS n
    FROM probr.windows FINAL
    ARRAY JOIN event_counts
    WHERE source = 'tag_batch'
      AND container_id = (SELECT container_id FROM p)  -- if container_id
      AND window_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
      AND window_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
      AND window_start_ms >= (SELECT start_ms FROM p)
      AND window_start_ms < (SELECT end_ms FROM p)
    GROUP BY event_name
)
GROUP BY event_name
ORDER BY events DESC, event_name
LIMIT 1000
