package io.probr.alerting.evaluate;

import io.probr.schemas.payload.BatchedPayload;
import java.util.HashMap;
import java.util.Map;

/** What alerting keeps of one window (stream or tag batch): per-tag counts and the data-coverage counters. */
public record WindowSummary(long startMs, long endMs, Map<String, TagCounts> tags, long events, long userDataTotal,
                            long email, long phone, long address, long ecommerceTotal, long value, long currency,
                            long transactionId, long items) {

    public WindowSummary {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** One tag's executions in a window: failed counts failure, timeout and exception. */
    public record TagCounts(long executions, long failed, long timeouts, long totalExecMs) {
        TagCounts plus(TagCounts other) {
            return new TagCounts(executions + other.executions, failed + other.failed, timeouts + other.timeouts,
                    totalExecMs + other.totalExecMs);
        }
    }

    public static WindowSummary of(BatchedPayload window) {
        Map<String, TagCounts> tags = new HashMap<>();
        window.tagMetrics().forEach((tag, m) -> tags.put(tag, new TagCounts(m.count(),
                m.failure() + m.timeout() + m.exception(), m.timeout(), m.totalExecMs())));
        BatchedPayload.UserDataQuality u = window.userDataQuality();
        BatchedPayload.EcommerceQuality e = window.ecommerceQuality();
        return new WindowSummary(window.windowStartMs(), window.windowEndMs(), tags, window.totalEvents(), u.total(),
                u.email(), u.phone(), u.address(), e.total(), e.value(), e.currency(), e.transactionId(), e.items());
    }

    /** The sum of two parts of the same window (the final part and a late correction). */
    WindowSummary plus(WindowSummary other) {
        Map<String, TagCounts> sum = new HashMap<>(tags);
        other.tags.forEach((tag, counts) -> sum.merge(tag, counts, TagCounts::plus));
        return new WindowSummary(startMs, Math.max(endMs, other.endMs), sum, events + other.events,
                userDataTotal + other.userDataTotal, email + other.email, phone + other.phone, address + other.address,
                ecommerceTotal + other.ecommerceTotal, value + other.value, currency + other.currency,
                transactionId + other.transactionId, items + other.items);
    }

    /** The count of a coverage field ({@code user_data.email}...) and the events it is a share of. */
    long[] coverage(String field) {
        return switch (field) {
            case "user_data.email" -> new long[] {email, userDataTotal};
            case "user_data.phone" -> new long[] {phone, userDataTotal};
            case "user_data.address" -> new long[] {address, userDataTotal};
            case "ecommerce.value" -> new long[] {value, ecommerceTotal};
            case "ecommerce.currency" -> new long[] {currency, ecommerceTotal};
            case "ecommerce.transaction_id" -> new long[] {transactionId, ecommerceTotal};
            case "ecommerce.items" -> new long[] {items, ecommerceTotal};
            default -> throw new IllegalArgumentException("unknown coverage field " + field);
        };
    }
}
