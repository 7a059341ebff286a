package io.probr.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract's example payloads moved from 2024-02-24T16:00:00Z to the minute now in progress, times of day kept:
 * posted to a running pipeline they are on time, as a tag's would be (posted as they are, they are late
 * corrections). Expected values move with them through {@link #at} and {@link #dateTime}.
 */
final class SeedNow {
    static final long SEED_MINUTE = 1708790400000L;
    private static final Pattern SEED_TIME = Pattern.compile("17087904\\d{5}");
    private static final DateTimeFormatter CLICKHOUSE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final long shiftMs;

    SeedNow() {
        long now = System.currentTimeMillis();
        this.shiftMs = Math.floorDiv(now, 60_000) * 60_000 - SEED_MINUTE;
    }

    /** Where the seed's time {@code seedMs} (e.g. 1708790430000) is now. */
    long at(long seedMs) {
        return seedMs + shiftMs;
    }

    /** {@link #at} as ClickHouse prints a {@code DateTime('UTC')}. */
    String dateTime(long seedMs) {
        return CLICKHOUSE.format(Instant.ofEpochMilli(at(seedMs)));
    }

    /** An example payload, or any text, with every seed time moved. */
    String shift(String text) {
        Matcher m = SEED_TIME.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Long.toString(at(Long.parseLong(m.group()))));
        }
        return m.appendTail(out).toString();
    }

    String example(String name) {
        try (InputStream in = SeedNow.class.getResourceAsStream("/examples/" + name)) {
            return shift(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
