package io.probr.schemas.topic;

/** Headers on the windows the stream-aggregator writes to {@link Topic#WINDOWS}. */
public final class WindowHeaders {
    /**
     * Which part of its window a record is. A window's identity is (container_id, window_start_ms, part):
     * {@link #FINAL_PART} for the window emitted when it closed, {@code late-<ingest id>} for each event
     * that arrived after the grace period (a correction holding that one event). The total of a window is
     * the sum over its parts; re-running the aggregator over the same input gives the same parts.
     */
    public static final String WINDOW_PART = "probr-window-part";
    public static final String FINAL_PART = "final";
    public static final String LATE_PART_PREFIX = "late-";

    private WindowHeaders() {
    }
}
