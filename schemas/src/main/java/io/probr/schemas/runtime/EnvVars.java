package io.probr.schemas.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration convention every Probr service shares: settings come from environment variables,
 * are checked once at start, and a bad value fails with a message that names the variable. Client
 * settings pass through by prefix: with prefix {@code PROBR_KAFKA_PRODUCER_}, {@code PROBR_KAFKA_PRODUCER_LINGER_MS=5}
 * becomes {@code linger.ms=5}.
 */
public record EnvVars(Map<String, String> env) {

    public EnvVars {
        env = Map.copyOf(env);
    }

    public String get(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    public int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    public long number(String name, long fallback, long min, long max) {
        String raw = get(name, Long.toString(fallback));
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + raw + " is not an integer");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + raw + " is outside " + min + ".." + max);
        }
        return value;
    }

    public double positiveDecimal(String name, double fallback) {
        String raw = get(name, Double.toString(fallback));
        double value;
        try {
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + raw + " is not a number");
        }
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + "=" + raw + " must be > 0");
        }
        return value;
    }

    /** Variables starting with {@code prefix} as client settings, e.g. {@code _LINGER_MS} → {@code linger.ms}. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return Map.copyOf(result);
    }
}
