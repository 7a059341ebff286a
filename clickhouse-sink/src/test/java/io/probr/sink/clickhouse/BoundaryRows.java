package io.probr.sink.clickhouse;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.schemas.payload.TagStatus;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import java.util.Map;
import java.util.UUID;

/** One row per table with every value at its bounds: the largest numbers, nulls, empty and full arrays. */
final class BoundaryRows {
    static final UUID INGEST_ID = UUID.fromString("ffffffff-0000-4000-8000-00000000000f");
    static final long LATEST_MS = 253_402_300_799_999L;

    private BoundaryRows() {
    }

    static RowBatch of(String container) {
        RowBatch rows = new RowBatch();
        rows.events().add(new Rows.EventRow(INGEST_ID, container, "e", LATEST_MS, Long.MAX_VALUE, "k", "s", 500,
                new PerEventPayload.UserData(true, false, true, false, true, false),
                new PerEventPayload.Ecommerce(false, true, false, true)));
        rows.tagExecutions().add(new Rows.TagExecutionRow(INGEST_ID, 499, container, "e", 0, "t", "1", "",
                TagStatus.TIMEOUT, 4_294_967_295L));
        rows.tagExecutions().add(new Rows.TagExecutionRow(INGEST_ID, 0, container, "e", 0, "t", "1", "",
                TagStatus.SUCCESS, null));
        Rows.WindowKey key = new Rows.WindowKey(Rows.Source.TAG_BATCH, container, 0, LATEST_MS, "p");
        rows.windows().add(new Rows.WindowRow(key, new BatchedPayload(container, true, 0, LATEST_MS, Long.MAX_VALUE,
                Map.of("page_view", 3L, "purchase", Long.MAX_VALUE), Map.of(),
                new BatchedPayload.UserDataQuality(1, 2, 3, 4), new BatchedPayload.EcommerceQuality(5, 6, 7, 8, 9))));
        rows.windows().add(new Rows.WindowRow(new Rows.WindowKey(Rows.Source.STREAM, container, 0, 60_000, "final"),
                new BatchedPayload(container, true, 0, 60_000, 0, Map.of(), Map.of(), null, null)));
        rows.tagWindows().add(new Rows.TagWindowRow(key, "t", new BatchedPayload.TagMetrics(1, 2, 3, 4, Long.MAX_VALUE, 10)));
        return rows;
    }
}
