package io.probr.sink.replay;

import io.probr.schemas.Topic;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What {@code ./probr replay} was asked: a time range on the records' Kafka timestamps (when the edge or the
 * aggregator wrote them), an optional container, which topics, and whether to only show the plan. With
 * {@code --rebuild-windows} the range is one of event time instead, and the windows in it are recomputed from
 * {@code probr.events.v1} ({@link WindowRebuild}).
 */
public record ReplayRequest(long fromMs, long toMs, String container, List<Topic> topics, boolean dryRun,
        boolean rebuildWindows) {

    public static final String USAGE = "usage: ./probr replay --from TIME [--to TIME] [--container GTM-XXX]"
            + " [--what events|batches|windows|all | --rebuild-windows] [--dry-run]\n"
            + "  TIME: Unix milliseconds, an ISO instant (2026-11-23T08:00:00Z) or a UTC date (2026-11-23)\n"
            + "  --rebuild-windows: recompute the windows whose start is in [--from, --to) from the events, with\n"
            + "                     PROBR_WINDOW_SIZE_MS, in place of the stream windows stored for that range";

    /** Parses the command line; a bad argument is an {@link IllegalArgumentException} whose message says which. */
    public static ReplayRequest parse(List<String> args, long nowMs) {
        Long from = null;
        long to = nowMs;
        String container = null;
        List<Topic> topics = List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS);
        boolean dryRun = false;
        boolean rebuildWindows = false;
        boolean whatGiven = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--from" -> from = time("--from", value(args, ++i, arg));
                case "--to" -> to = time("--to", value(args, ++i, arg));
                case "--container" -> container = value(args, ++i, arg);
                case "--what" -> {
                    topics = topics(value(args, ++i, arg));
                    whatGiven = true;
                }
                case "--rebuild-windows" -> rebuildWindows = true;
                case "--dry-run" -> dryRun = true;
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (from == null) {
            throw new IllegalArgumentException("--from is required");
        }
        if (from >= to) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        if (rebuildWindows && whatGiven) {
            throw new IllegalArgumentException("--rebuild-windows reads the events and writes windows: it takes no --what");
        }
        return new ReplayRequest(from, to, container, rebuildWindows ? List.of(Topic.EVENTS) : topics, dryRun,
                rebuildWindows);
    }

    private static String value(List<String> args, int i, String name) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i);
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
