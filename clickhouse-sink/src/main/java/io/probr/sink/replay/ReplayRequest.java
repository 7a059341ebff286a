package io.probr.sink.replay;

import io.probr.schemas.topic.Topic;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What {@code ./probr replay} was asked: a time range on the records' Kafka timestamps (when the edge or the
 * aggregator wrote them), an optional container, which topics, and whether to only show the plan. With
 * {@code --rebuild-windows} the range is one of event time instead, and the windows in it are recomputed from
 * {@code probr.events.v1} ({@link WindowRebuild}). The command line is {@link ReplayCli}'s.
 */
public record ReplayRequest(long fromMs, long toMs, String container, List<Topic> topics, boolean dryRun,
        boolean rebuildWindows) {

    /**
     * The request the command line's values make; a bad combination is an {@link IllegalArgumentException} whose
     * message says which. {@code to} and {@code what} may be null (now; every topic).
     */
    public static ReplayRequest of(String from, String to, String container, String what, boolean rebuildWindows,
            boolean dryRun, long nowMs) {
        long fromMs = time("--from", from);
        long toMs = to == null ? nowMs : time("--to", to);
        if (fromMs >= toMs) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        if (rebuildWindows && what != null) {
            throw new IllegalArgumentException("--rebuild-windows reads the events and writes windows: it takes no --what");
        }
        List<Topic> topics = rebuildWindows ? List.of(Topic.EVENTS) : topics(what == null ? "all" : what);
        return new ReplayRequest(fromMs, toMs, container, topics, dryRun, rebuildWindows);
    }

    static long time(String name, String value) {
        if (value.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " " + value
                        + " is neither Unix milliseconds, an ISO instant (2026-11-23T08:00:00Z) nor a date (2026-11-23)");
            }
        }
    }

    private static List<Topic> topics(String what) {
        return switch (what) {
            case "events" -> List.of(Topic.EVENTS);
            case "batches" -> List.of(Topic.BATCHES);
            case "windows" -> List.of(Topic.WINDOWS);
            case "all" -> List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS);
            default -> throw new IllegalArgumentException("--what must be events, batches, windows or all, not " + what);
        };
    }
}
