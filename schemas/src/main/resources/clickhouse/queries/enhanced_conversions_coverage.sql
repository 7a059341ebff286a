-- Enhanced-conversions coverage per container per day, last 30 days: the share of events with an email,
-- a phone, an address (first name, last name and country). From the windows, so it covers both the
-- containers that send per-event (source 'stream') and those that send batches (source 'tag_batch').
SELECT
    window_date AS day,
    container_id,
    source,
    sum(user_data_total) AS events,
    round(sum(user_data_email) / events, 4) AS email_share,
    round(sum(user_data_phone) / events, 4) AS phone_share,
    round(sum(user_data_address) / events, 4) AS address_share
FROM probr.windows FINAL
WHERE window_date >= today() - 29
GROUP BY day, container_id, source
HAVING events > 0
ORDER BY day, container_id, source
