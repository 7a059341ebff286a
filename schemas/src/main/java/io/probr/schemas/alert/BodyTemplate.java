package io.probr.schemas.alert;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook's body template: {@code {{name}}} placeholders replaced by the delivery's values, each escaped as
 * the inside of a JSON string, so a value (a tag name, say) cannot break or extend the receiver's JSON.
 */
public final class BodyTemplate {
    public static final java.util.Set<String> PLACEHOLDERS = java.util.Set.of("event", "trigger", "trigger_id",
            "container", "tag", "metric", "value", "threshold", "window_start", "window_end", "incident_id", "status");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

    private BodyTemplate() {
    }

    /** The first placeholder this version does not know, if any: refused when the webhook is written. */
    public static java.util.Optional<String> unknownPlaceholder(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return java.util.Optional.of(m.group(1));
            }
        }
        return java.util.Optional.empty();
    }

    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(jsonEscaped(value == null ? "" : value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String jsonEscaped(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
