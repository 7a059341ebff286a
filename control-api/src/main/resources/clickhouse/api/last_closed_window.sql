-- params: container_id String
-- The container's last window closed by the aggregator (its final part).
SELECT container_id, window_start_ms, window_end_ms, total_events
FROM probr.windows FINAL
WHERE source = 'stream' AND window_part = 'final'
  AND container_id = (SELECT container_id FROM p)  -- if container_id
ORDER BY window_start_ms DESC, container_id
LIMIT 1
