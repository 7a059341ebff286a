package io.probr.control.clickhouse;

/** ClickHouse did not answer a read (down, too slow, or refused the query): a 503 for the caller. */
public final class ClickHouseUnavailableException extends Exception {
    public ClickHouseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
