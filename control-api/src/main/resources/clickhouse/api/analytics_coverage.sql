-- params: container_id String, start_ms UInt64, end_ms UInt64, conversion_events Array(String)
-- One row: events, conversions, and how many carried each user-data and e-commerce field.
SELECT
    sum(c_events) AS events,
    sum(c_conversions) AS conversions,
    sum(c_events) AS user_data_events,
    sum(c_email) AS email,
    sum(c_phone) AS phone,
    sum(c_address) AS address,
    sum(c_ecommerce_events) AS ecommerce_events,
    sum(c_value) AS value,
    sum(c_currency) AS currency,
    sum(c_transaction_id) AS transaction_id,
    sum(c_items) AS items
FROM
(
    SELECT
        count() AS c_events,
        toUInt64(countIf(has((SELECT conversion_events FROM p), event_name))) AS c_conversions,
        toUInt64(sum(has_email)) AS c_email,
        toUInt64(sum(has_phone)) AS c_phone,
        toUInt64(sum(has_first_name AND has_last_name AND has_country)) AS c_address,
        toUInt64(sum(has_ecommerce)) AS c_ecommerce_events,
        toUInt64(sum(has_ecommerce AND has_value)) AS c_value,
        toUInt64(sum(has_ecommerce AND has_currency)) AS c_currency,
        toUInt64(sum(has_ecommerce AND has_transaction_id)) AS c_transaction_id,
        toUInt64(sum(has_ecommerce AND has_items)) AS c_items
    FROM probr.events FINAL
    WHERE event_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
      AND container_id = (SELECT container_id FROM p)  -- if container_id
      AND event_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
      AND timestamp_ms >= (SELECT start_ms FROM p)
      AND timestamp_ms < (SELECT end_ms FROM p)
    UNION ALL
    SELECT
        toUInt64(sum(total_events)) AS c_events,
        toUInt64(sum(arraySum(arrayFilter((n, name) -> has((SELECT conversion_events FROM p), name),
            event_counts.count, event_counts.event_name)))) AS c_conversions,
        toUInt64(sum(user_data_email)) AS c_email,
        toUInt64(sum(user_data_phone)) AS c_phone,
        toUInt64(sum(user_data_address)) AS c_address,
        toUInt64(sum(ecommerce_total)) AS c_ecommerce_events,
        toUInt64(sum(ecommerce_value)) AS c_value,
        toUInt64(sum(ecommerce_currency)) AS c_currency,
        toUInt64(sum(ecommerce_transaction_id)) AS c_transaction_id,
        toUInt64(sum(ecommerce_items)) AS c_items
    FROM probr.windows FINAL
    WHERE source = 'tag_batch'
      AND container_id = (SELECT container_id FROM p)  -- if container_id
      AND window_date >= toDate(toDateTime(intDiv((SELECT start_ms FROM p), 1000), 'UTC'))
      AND window_date <= toDate(toDateTime(intDiv((SELECT end_ms FROM p), 1000), 'UTC'))
      AND window_start_ms >= (SELECT start_ms FROM p)
      AND window_start_ms < (SELECT end_ms FROM p)
)
