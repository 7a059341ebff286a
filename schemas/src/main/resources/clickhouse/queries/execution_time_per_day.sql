-- p50 / p95 execution time per tag per day, last 7 days (executions that reported a time)
SELECT
    event_date AS day,
    container_id,
    tag,
    count() AS executions,
    quantileExact(0.5)(execution_ms) AS p50_ms,
    quantileExact(0.95)(execution_ms) AS p95_ms
FROM probr.tag_executions FINAL
WHERE event_date >= today() - 6
  AND execution_ms IS NOT NULL
GROUP BY day, container_id, tag
ORDER BY day, container_id, tag
