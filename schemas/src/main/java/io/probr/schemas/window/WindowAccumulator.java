package io.probr.schemas.window;

import io.probr.schemas.payload.BatchedPayload.EcommerceQuality;
import io.probr.schemas.payload.BatchedPayload.TagMetrics;
import io.probr.schemas.payload.BatchedPayload.UserDataQuality;
import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import java.util.HashMap;
import java.util.Map;

/**
 * The aggregation rules, as pure functions over the batched shape: a window is a {@link BatchedPayload}
 * and adding an event returns the next one. See docs/windows.md for the semantics of each field. Part of
 * the shared contract because the aggregator and the window rebuild ({@code ./probr replay --rebuild-windows})
 * must count alike.
 */
public final class WindowAccumulator {
    private WindowAccumulator() {
    }

    public static BatchedPayload empty(String containerId, long startMs, long endMs) {
        return new BatchedPayload(containerId, true, startMs, endMs, 0, Map.of(), Map.of(),
                new UserDataQuality(0, 0, 0, 0), new EcommerceQuality(0, 0, 0, 0, 0));
    }

    public static BatchedPayload add(BatchedPayload window, PerEventPayload event) {
        Map<String, Long> eventCounts = new HashMap<>(window.eventCounts());
        eventCounts.merge(event.eventName(), 1L, Long::sum);
        Map<String, TagMetrics> tagMetrics = new HashMap<>(window.tagMetrics());
        for (PerEventPayload.Tag tag : event.tags()) {
            tagMetrics.merge(tag.key(), single(tag), WindowAccumulator::merge);
        }
        return new BatchedPayload(window.containerId(), true, window.windowStartMs(), window.windowEndMs(),
                window.totalEvents() + 1, eventCounts, tagMetrics,
                add(window.userDataQuality(), event.userData()),
                add(window.ecommerceQuality(), event.ecommerce()));
    }

    private static TagMetrics single(PerEventPayload.Tag tag) {
        long exec = tag.executionTime() == null ? 0 : tag.executionTime();
        return switch (tag.status()) {
            case SUCCESS -> new TagMetrics(1, 0, 0, 0, exec, 1);
            case FAILURE -> new TagMetrics(0, 1, 0, 0, exec, 1);
            case TIMEOUT -> new TagMetrics(0, 0, 1, 0, exec, 1);
            case EXCEPTION -> new TagMetrics(0, 0, 0, 1, exec, 1);
        };
    }

    private static TagMetrics merge(TagMetrics a, TagMetrics b) {
        return new TagMetrics(a.success() + b.success(), a.failure() + b.failure(), a.timeout() + b.timeout(),
                a.exception() + b.exception(), a.totalExecMs() + b.totalExecMs(), a.count() + b.count());
    }

    /** {@code address} needs first name, last name and country, what enhanced conversions need of an address. */
    private static UserDataQuality add(UserDataQuality q, PerEventPayload.UserData userData) {
        if (userData == null) {
            return new UserDataQuality(q.email(), q.phone(), q.address(), q.total() + 1);
        }
        boolean address = userData.hasFirstName() && userData.hasLastName() && userData.hasCountry();
        return new UserDataQuality(q.email() + bit(userData.hasEmail()), q.phone() + bit(userData.hasPhone()),
                q.address() + bit(address), q.total() + 1);
    }

    /** Only events that carried an {@code ecommerce} object count, towards {@code total} too. */
    private static EcommerceQuality add(EcommerceQuality q, PerEventPayload.Ecommerce ecommerce) {
        if (ecommerce == null) {
            return q;
        }
        return new EcommerceQuality(q.value() + bit(ecommerce.hasValue()), q.currency() + bit(ecommerce.hasCurrency()),
                q.transactionId() + bit(ecommerce.hasTransactionId()), q.items() + bit(ecommerce.hasItems()),
                q.total() + 1);
    }

    private static long bit(boolean flag) {
        return flag ? 1 : 0;
    }
}
