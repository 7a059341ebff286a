package io.probr.schemas.payload;

import java.util.Map;

/**
 * A batched payload: counters over a window of events. Sent by tags in batched mode and produced by the
 * stream-aggregator. Maps are never {@code null}; absent quality objects read as all zeros.
 */
public record BatchedPayload(
        String containerId,
        boolean batch,
        long windowStartMs,
        long windowEndMs,
        long totalEvents,
        Map<String, Long> eventCounts,
        Map<String, TagMetrics> tagMetrics,
        UserDataQuality userDataQuality,
        EcommerceQuality ecommerceQuality) {

    public BatchedPayload {
        eventCounts = eventCounts == null ? Map.of() : Map.copyOf(eventCounts);
        tagMetrics = tagMetrics == null ? Map.of() : Map.copyOf(tagMetrics);
        userDataQuality = userDataQuality == null ? new UserDataQuality(0, 0, 0, 0) : userDataQuality;
        ecommerceQuality = ecommerceQuality == null ? new EcommerceQuality(0, 0, 0, 0, 0) : ecommerceQuality;
    }

    public record TagMetrics(long success, long failure, long timeout, long exception, long totalExecMs, long count) {
    }

    public record UserDataQuality(long email, long phone, long address, long total) {
    }

    public record EcommerceQuality(long value, long currency, long transactionId, long items, long total) {
    }
}
