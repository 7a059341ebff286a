package io.probr.sink.mapping;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows waiting to be inserted, per table. Rows added with {@link #add(ConsumerRecord, RowBatch)} also keep which
 * record gave them, so that a batch can be {@link #slice sliced} by record to find one ClickHouse refuses.
 */
public final class RowBatch {
    private final List<Rows.EventRow> events = new ArrayList<>();
    private final List<Rows.TagExecutionRow> tagExecutions = new ArrayList<>();
    private final List<Rows.WindowRow> windows = new ArrayList<>();
    private final List<Rows.TagWindowRow> tagWindows = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();

    /** A record whose rows are in the batch, and where its rows begin in each table's list. */
    public record Source(TopicPartition partition, long offset, int events, int tagExecutions, int windows,
            int tagWindows) {
    }

    public List<Rows.EventRow> events() {
        return events;
    }

    public List<Rows.TagExecutionRow> tagExecutions() {
        return tagExecutions;
    }

    public List<Rows.WindowRow> windows() {
        return windows;
    }

    public List<Rows.TagWindowRow> tagWindows() {
        return tagWindows;
    }

    public void addAll(RowBatch other) {
        events.addAll(other.events);
        tagExecutions.addAll(other.tagExecutions);
        windows.addAll(other.windows);
        tagWindows.addAll(other.tagWindows);
    }

    /** Adds the rows {@code record} was mapped to, remembering that they are its. */
    public void add(ConsumerRecord<?, ?> record, RowBatch rows) {
        add(new Source(new TopicPartition(record.topic(), record.partition()), record.offset(), events.size(),
                tagExecutions.size(), windows.size(), tagWindows.size()), rows);
    }

    private void add(Source source, RowBatch rows) {
        sources.add(source);
        addAll(rows);
    }

    /** How many records' rows were added with {@link #add(ConsumerRecord, RowBatch)}. */
    public int recordCount() {
        return sources.size();
    }

    public Source source(int record) {
        return sources.get(record);
    }

    /** The rows of records {@code from} (inclusive) to {@code to} (exclusive), with their sources. */
    public RowBatch slice(int from, int to) {
        RowBatch slice = new RowBatch();
        for (int i = from; i < to; i++) {
            Source source = sources.get(i);
            Source next = i + 1 < sources.size() ? sources.get(i + 1)
                    : new Source(null, 0, events.size(), tagExecutions.size(), windows.size(), tagWindows.size());
            RowBatch rows = new RowBatch();
            rows.events.addAll(events.subList(source.events(), next.events()));
            rows.tagExecutions.addAll(tagExecutions.subList(source.tagExecutions(), next.tagExecutions()));
            rows.windows.addAll(windows.subList(source.windows(), next.windows()));
            rows.tagWindows.addAll(tagWindows.subList(source.tagWindows(), next.tagWindows()));
            slice.add(new Source(source.partition(), source.offset(), slice.events.size(), slice.tagExecutions.size(),
                    slice.windows.size(), slice.tagWindows.size()), rows);
        }
        return slice;
    }

    public int rowCount() {
        return events.size() + tagExecutions.size() + windows.size() + tagWindows.size();
    }

    public boolean isEmpty() {
        return rowCount() == 0;
    }

    public void clear() {
        events.clear();
        tagExecutions.clear();
        windows.clear();
        tagWindows.clear();
        sources.clear();
    }
}
