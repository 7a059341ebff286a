package io.probr.control.http;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** Query-string parameters, checked: a bad one is a 400 naming it. */
public final class Queries {
    private Queries() {
    }

    public static void allowOnly(Context ctx, Set<String> names) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!names.contains(name)) {
                throw ApiError.invalid(name, "unknown parameter; expected one of " + new java.util.TreeSet<>(names));
            }
        }
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.invalid(name, "must be an integer from " + min + " to " + max);
    }

    public static Optional<String> text(Context ctx, String name, int maxLength) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        if (raw.length() > maxLength || raw.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.invalid(name, "must be at most " + maxLength + " printable characters");
        }
        return Optional.of(raw);
    }

    /**
     * An ISO instant ({@code 2026-12-03T10:00:00Z}) or date ({@code 2026-12-03}, its midnight UTC), as
     * everywhere in {@code /v1}; {@code endOfDay} makes a date mean the end of that day (for an end bound).
     */
    public static Instant instant(String field, String raw, boolean endOfDay) {
        try {
            if (raw.length() == 10) {
                LocalDate date = LocalDate.parse(raw);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiError.invalid(field, "must be an ISO instant such as 2026-12-03T10:00:00Z or a date such as 2026-12-03");
        }
    }
}
