package io.probr.sink.mapping;

import java.util.ArrayList;
import java.util.List;

/** Rows waiting to be inserted, per table. */
public final class RowBatch {
    private final List<Rows.EventRow> events = new ArrayList<>();
    private final List<Rows.TagExecutionRow> tagExecutions = new ArrayList<>();
    private final List<Rows.WindowRow> windows = new ArrayList<>();
    private final List<Rows.TagWindowRow> tagWindows = new ArrayList<>();

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
    }
}
