package io.probr.alerting.evaluate;

import java.util.List;

/**
 * The recent windows of one container, as the {@link Evaluator} reads them from the {@link HistoryStore}: enough
 * to look back over the longest period of its triggers twice ({@code tag_missing} compares two periods), and when
 * the container was last heard from.
 *
 * @param latestEndMs  the latest window end seen: the container's "now" in event time
 * @param lastSeenMs   wall-clock time of the last record for the container ({@code no_events})
 */
public record ContainerHistory(String containerId, List<WindowSummary> windows, long latestEndMs, long lastSeenMs) {
    public ContainerHistory {
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    /** The windows ending in (fromMs, toMs]. */
    List<WindowSummary> endingIn(long fromMs, long toMs) {
        return windows.stream().filter(w -> w.endMs() > fromMs && w.endMs() <= toMs).toList();
    }
}
