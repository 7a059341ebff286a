package io.probr.alerting.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The recent windows of one container, as the alerting store keeps them: enough to look back over the longest
 * period twice ({@code tag_missing} compares two periods), and when the container was last heard from.
 *
 * @param latestEndMs  the latest window end seen: the container's "now" in event time
 * @param lastSeenMs   wall-clock time of the last record for the container ({@code no_events})
 */
public record ContainerHistory(String containerId, List<WindowSummary> windows, long latestEndMs, long lastSeenMs) {
    /** Two days: twice the longest period a condition may have. */
    public static final long KEPT_MS = 48 * 3_600_000L;

    public ContainerHistory {
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    public static ContainerHistory empty(String containerId) {
        return new ContainerHistory(containerId, List.of(), 0, 0);
    }

    /** With {@code window} added (merged into a part of the same window and source already there), older ones dropped. */
    public ContainerHistory with(WindowSummary window, boolean mergeSameStart, long wallNowMs) {
        List<WindowSummary> next = new ArrayList<>();
        boolean merged = false;
        long latest = Math.max(latestEndMs, window.endMs());
        for (WindowSummary w : windows) {
            if (w.endMs() <= latest - KEPT_MS) {
                continue;
            }
            if (mergeSameStart && !merged && w.startMs() == window.startMs() && w.endMs() == window.endMs()) {
                next.add(w.plus(window));
                merged = true;
            } else {
                next.add(w);
            }
        }
        if (!merged) {
            next.add(window);
        }
        next.sort(Comparator.comparingLong(WindowSummary::endMs));
        return new ContainerHistory(containerId, next, latest, Math.max(lastSeenMs, wallNowMs));
    }

    /** The windows ending in (fromMs, toMs]. */
    List<WindowSummary> endingIn(long fromMs, long toMs) {
        return windows.stream().filter(w -> w.endMs() > fromMs && w.endMs() <= toMs).toList();
    }
}
