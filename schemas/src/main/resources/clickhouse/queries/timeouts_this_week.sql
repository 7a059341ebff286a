-- Tags that timed out most this week (since Monday, UTC)
SELECT
    container_id,
    tag,
    countIf(status = 'timeout') AS timeouts,
    count() AS executions,
    round(timeouts / executions, 4) AS timeout_rate
FROM probr.tag_executions FINAL
WHERE event_date >= toMonday(today())
GROUP BY container_id, tag
HAVING timeouts > 0
ORDER BY timeouts DESC, timeout_rate DESC
LIMIT 20
