-- params: webhook_id String, outcome String, start_ms UInt64, end_ms UInt64
-- Every attempt of a webhook's deliveries, newest first. The Java side appends LIMIT offset, limit + 1.
SELECT delivery_id, attempt, transition_id, incident_id, trigger_id, event, started_at_ms, status_code, error,
       latency_ms, response_body, toString(outcome) AS outcome_name, next_attempt_at_ms
FROM probr.webhook_deliveries FINAL
WHERE webhook_id = (SELECT webhook_id FROM p)
  AND toString(outcome) = (SELECT outcome FROM p)  -- if outcome
  AND started_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
  AND started_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
  AND started_at_ms >= (SELECT start_ms FROM p)
  AND started_at_ms < (SELECT end_ms FROM p)
ORDER BY started_at_ms DESC, delivery_id, attempt DESC
