package io.probr.alerting.evaluate;

import io.probr.schemas.alert.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Turns a container's history into verdicts for one condition: pure, so every rule is unit-tested. */
public final class Evaluator {
    /** The tag of a per-container verdict ({@code no_events}, {@code coverage}). */
    public static final String CONTAINER = "";

    private Evaluator() {
    }

    /**
     * The verdicts at {@code nowMs} (event time for window conditions, the wall clock for {@code no_events}) for the
     * tags {@code tag} names, or every tag seen in the last two periods plus {@code openTags} (so an open incident
     * can resolve) when {@code tag} is null.
     */
    public static List<Verdict> evaluate(Condition condition, String tag, ContainerHistory history, long nowMs,
                                         Set<String> openTags) {
        long period = condition.periodMs();
        long from = nowMs - period;
        return switch (condition.metric()) {
            case NO_EVENTS -> List.of(noEvents(condition, history, nowMs));
            case COVERAGE -> List.of(coverage(condition, history.endingIn(from, nowMs), from, nowMs));
            default -> {
                List<Verdict> verdicts = new ArrayList<>();
                for (String t : tags(tag, history, nowMs - 2 * period, nowMs, openTags)) {
                    verdicts.add(ofTag(condition, t, history, from, nowMs));
                }
                yield verdicts;
            }
        };
    }

    private static Set<String> tags(String tag, ContainerHistory history, long fromMs, long toMs, Set<String> openTags) {
        if (tag != null) {
            return Set.of(tag);
        }
        Set<String> tags = new TreeSet<>(openTags);
        history.endingIn(fromMs, toMs).forEach(w -> tags.addAll(w.tags().keySet()));
        return tags;
    }

    private static Verdict ofTag(Condition condition, String tag, ContainerHistory history, long from, long now) {
        WindowSummary.TagCounts sum = new WindowSummary.TagCounts(0, 0, 0, 0);
        for (WindowSummary w : history.endingIn(from, now)) {
            WindowSummary.TagCounts c = w.tags().get(tag);
            if (c != null) {
                sum = sum.plus(c);
            }
        }
        long executions = sum.executions();
        return switch (condition.metric()) {
            case FAILURE_RATE -> executions < condition.minExecutions() ? unknown(tag, from, now)
                    : verdict(tag, sum.failed() / (double) executions > condition.threshold(),
                            sum.failed() / (double) executions, from, now);
            case TIMEOUTS -> executions < condition.minExecutions() ? unknown(tag, from, now)
                    : verdict(tag, sum.timeouts() >= condition.threshold(), sum.timeouts(), from, now);
            case AVG_EXECUTION_MS -> executions < condition.minExecutions() ? unknown(tag, from, now)
                    : verdict(tag, sum.totalExecMs() / (double) executions > condition.threshold(),
                            sum.totalExecMs() / (double) executions, from, now);
            case TAG_MISSING -> tagMissing(tag, history, condition.periodMs(), executions, from, now);
            default -> throw new IllegalStateException("not a per-tag metric: " + condition.metric());
        };
    }

    /** Ran in the previous period, not in this one: missing; ran in this one: healthy; ran in neither: unknown. */
    private static Verdict tagMissing(String tag, ContainerHistory history, long period, long executions, long from,
                                      long now) {
        if (executions > 0) {
            return verdict(tag, false, executions, from, now);
        }
        boolean ranBefore = history.endingIn(from - period, from).stream()
                .anyMatch(w -> w.tags().containsKey(tag) && w.tags().get(tag).executions() > 0);
        return ranBefore ? verdict(tag, true, 0, from, now) : unknown(tag, from, now);
    }

    private static Verdict coverage(Condition condition, List<WindowSummary> windows, long from, long now) {
        long count = 0;
        long total = 0;
        for (WindowSummary w : windows) {
            long[] c = w.coverage(condition.coverageField());
            count += c[0];
            total += c[1];
        }
        if (total < condition.minExecutions() || total == 0) {
            return unknown(CONTAINER, from, now);
        }
        double share = count / (double) total;
        return verdict(CONTAINER, share < condition.threshold(), share, from, now);
    }

    /** Silence is the alert: no record for the container for the condition's duration, on the wall clock. */
    private static Verdict noEvents(Condition condition, ContainerHistory history, long wallNowMs) {
        long silentMs = wallNowMs - history.lastSeenMs();
        return verdict(CONTAINER, history.lastSeenMs() > 0 && silentMs >= condition.threshold(), silentMs,
                history.lastSeenMs(), wallNowMs);
    }

    private static Verdict verdict(String tag, boolean breached, double value, long from, long now) {
        return new Verdict(tag, breached ? Verdict.State.BREACHED : Verdict.State.HEALTHY, value, from, now);
    }

    private static Verdict unknown(String tag, long from, long now) {
        return new Verdict(tag, Verdict.State.UNKNOWN, 0, from, now);
    }
}
