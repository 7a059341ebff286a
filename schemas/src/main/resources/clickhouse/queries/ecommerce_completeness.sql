-- E-commerce completeness per container, day and event name, last 30 days: among events that carried
-- an ecommerce object, the share with each field, and the share with all four.
SELECT
    event_date AS day,
    container_id,
    event_name,
    count() AS ecommerce_events,
    round(avg(has_value), 4) AS value_share,
    round(avg(has_currency), 4) AS currency_share,
    round(avg(has_transaction_id), 4) AS transaction_id_share,
    round(avg(has_items), 4) AS items_share,
    round(avg(has_value AND has_currency AND has_transaction_id AND has_items), 4) AS complete_share
FROM probr.events FINAL
WHERE event_date >= today() - 29
  AND has_ecommerce = 1
GROUP BY day, container_id, event_name
ORDER BY day, container_id, event_name
