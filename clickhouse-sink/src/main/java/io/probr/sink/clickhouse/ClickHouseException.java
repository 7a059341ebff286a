package io.probr.sink.clickhouse;

import java.io.IOException;

/** ClickHouse refused a query or could not be reached; the message is ClickHouse's own when it gave one. */
public final class ClickHouseException extends IOException {
    public ClickHouseException(String message) {
        super(message);
    }

    public ClickHouseException(String message, Throwable cause) {
        super(message, cause);
    }
}
