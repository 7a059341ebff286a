-- Per window and tag, what tags sent in batched mode next to what the aggregator computed from per-event
-- payloads, last 2 days. Parts (several batches, late corrections) are summed; *_diff = batch - stream.
SELECT
    container_id,
    window_start_ms,
    tag,
    sumIf(count, source = 'tag_batch') AS batch_count,
    sumIf(count, source = 'stream') AS stream_count,
    toInt64(batch_count) - toInt64(stream_count) AS count_diff,
    sumIf(failure + timeout + exception, source = 'tag_batch') AS batch_failed,
    sumIf(failure + timeout + exception, source = 'stream') AS stream_failed,
    toInt64(batch_failed) - toInt64(stream_failed) AS failed_diff,
    sumIf(total_exec_ms, source = 'tag_batch') AS batch_exec_ms,
    sumIf(total_exec_ms, source = 'stream') AS stream_exec_ms
FROM probr.tag_windows FINAL
WHERE window_date >= today() - 1
GROUP BY container_id, window_start_ms, tag
ORDER BY container_id, window_start_ms, tag
