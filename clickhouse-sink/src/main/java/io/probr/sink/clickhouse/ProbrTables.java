package io.probr.sink.clickhouse;

import static io.probr.sink.clickhouse.Column.of;

import io.probr.schemas.payload.BatchedPayload;
import io.probr.schemas.payload.PerEventPayload;
import io.probr.sink.mapping.Rows;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The INSERTs of the four tables. DateTime and Date columns are never sent: they are MATERIALIZED from the
 * millisecond columns in ClickHouse, so one definition serves 18.16 and current versions alike.
 */
public final class ProbrTables {
    private static final String UUID = "UUID";
    private static final String STRING = "String";
    private static final String UINT64 = "UInt64";
    private static final List<Column> WINDOW_KEY = List.of(of("source", "Enum8('tag_batch' = 1, 'stream' = 2)"),
            of("container_id", STRING), of("window_start_ms", UINT64), of("window_end_ms", UINT64),
            of("window_part", STRING));

    private static final PerEventPayload.UserData NO_USER_DATA = new PerEventPayload.UserData(false, false, false, false, false, false);
    private static final PerEventPayload.Ecommerce NO_ECOMMERCE = new PerEventPayload.Ecommerce(false, false, false, false);

    public static final TableInsert<Rows.EventRow> EVENTS = new TableInsert<>("probr.events",
            columns(List.of(of("ingest_id", UUID), of("container_id", STRING), of("event_name", STRING),
                    of("timestamp_ms", UINT64), of("received_at_ms", UINT64), of("key_id", STRING),
                    of("site_id", STRING), of("tag_count", "UInt16")),
                    flags("has_user_data", "has_email", "has_phone", "has_first_name", "has_last_name", "has_city",
                            "has_country", "has_ecommerce", "has_value", "has_currency", "has_transaction_id",
                            "has_items")),
            Rows.EventRow::timestampMs,
            (row, p) -> {
                PerEventPayload.UserData user = row.userData() == null ? NO_USER_DATA : row.userData();
                PerEventPayload.Ecommerce shop = row.ecommerce() == null ? NO_ECOMMERCE : row.ecommerce();
                p.uuid(row.ingestId()).string(row.containerId()).string(row.eventName())
                        .number(row.timestampMs()).number(row.receivedAtMs()).string(row.keyId()).string(row.siteId())
                        .number(row.tagCount()).flag(row.userData() != null)
                        .flag(user.hasEmail()).flag(user.hasPhone()).flag(user.hasFirstName())
                        .flag(user.hasLastName()).flag(user.hasCity()).flag(user.hasCountry())
                        .flag(row.ecommerce() != null).flag(shop.hasValue()).flag(shop.hasCurrency())
                        .flag(shop.hasTransactionId()).flag(shop.hasItems());
            });

    public static final TableInsert<Rows.TagExecutionRow> TAG_EXECUTIONS = new TableInsert<>("probr.tag_executions",
            List.of(of("ingest_id", UUID), of("tag_index", "UInt16"), of("container_id", STRING),
                    of("event_name", STRING), of("timestamp_ms", UINT64), of("tag", STRING), of("tag_id", STRING),
                    of("tag_name", STRING),
                    of("status", "Enum8('success' = 1, 'failure' = 2, 'timeout' = 3, 'exception' = 4)"),
                    of("execution_ms", "Nullable(UInt32)")),
            Rows.TagExecutionRow::timestampMs,
            (row, p) -> p.uuid(row.ingestId()).number(row.tagIndex()).string(row.containerId())
                    .string(row.eventName()).number(row.timestampMs()).string(row.tag()).string(row.tagId())
                    .string(row.tagName()).enumValue(row.status().wireName()).nullableNumber(row.executionMs()));

    public static final TableInsert<Rows.WindowRow> WINDOWS = new TableInsert<>("probr.windows",
            columns(WINDOW_KEY, List.of(of("total_events", UINT64), of("event_counts.event_name", "Array(String)"),
                    of("event_counts.count", "Array(UInt64)")),
                    counters("user_data_email", "user_data_phone", "user_data_address", "user_data_total",
                            "ecommerce_value", "ecommerce_currency", "ecommerce_transaction_id", "ecommerce_items",
                            "ecommerce_total")),
            row -> row.key().windowStartMs(),
            (row, p) -> {
                BatchedPayload w = row.window();
                // sorted, so the same window always gives the same arrays
                Map<String, Long> counts = new TreeMap<>(w.eventCounts());
                windowKey(row.key(), p).number(w.totalEvents())
                        .strings(counts.keySet()).numbers(counts.values())
                        .number(w.userDataQuality().email()).number(w.userDataQuality().phone())
                        .number(w.userDataQuality().address()).number(w.userDataQuality().total())
                        .number(w.ecommerceQuality().value()).number(w.ecommerceQuality().currency())
                        .number(w.ecommerceQuality().transactionId()).number(w.ecommerceQuality().items())
                        .number(w.ecommerceQuality().total());
            });

    public static final TableInsert<Rows.TagWindowRow> TAG_WINDOWS = new TableInsert<>("probr.tag_windows",
            columns(WINDOW_KEY, List.of(of("tag", STRING)),
                    counters("success", "failure", "timeout", "exception", "total_exec_ms", "count")),
            row -> row.key().windowStartMs(),
            (row, p) -> {
                BatchedPayload.TagMetrics m = row.metrics();
                windowKey(row.key(), p).string(row.tag()).number(m.success()).number(m.failure())
                        .number(m.timeout()).number(m.exception()).number(m.totalExecMs()).number(m.count());
            });

    public static final List<TableInsert<?>> ALL = List.of(EVENTS, TAG_EXECUTIONS, WINDOWS, TAG_WINDOWS);

    private ProbrTables() {
    }

    private static RowBinaryRow windowKey(Rows.WindowKey key, RowBinaryRow p) throws IOException {
        return p.enumValue(key.source().columnValue()).string(key.containerId()).number(key.windowStartMs())
                .number(key.windowEndMs()).string(key.part());
    }

    @SafeVarargs
    private static List<Column> columns(List<Column>... groups) {
        return Stream.of(groups).flatMap(List::stream).toList();
    }

    private static List<Column> flags(String... names) {
        return Stream.of(names).map(name -> of(name, "UInt8")).toList();
    }

    private static List<Column> counters(String... names) {
        return Stream.of(names).map(name -> of(name, UINT64)).toList();
    }
}
