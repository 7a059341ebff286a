package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clickhouse.client.api.ServerException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ClickHouseErrorsTest {
    @Test
    void theCodeComesFromTheServersHeaderOrFromItsTextOn1816() {
        assertEquals(469, ClickHouseErrors.code(new ClickHouseException("INSERT failed",
                new ServerException(469, "Constraint `c` is violated", 500, "q1"))));
        assertEquals(395, ClickHouseErrors.code(new ClickHouseException("INSERT INTO probr.events failed: "
                + "Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero")));
        assertEquals(53, ClickHouseErrors.code(new RuntimeException("Code: 53. DB::Exception: Type mismatch")));
        assertEquals(-1, ClickHouseErrors.code(new ClickHouseException("failed", new ConnectException("refused"))));
    }

    @Test
    void onlyErrorsAboutTheRowsThemselvesRefuseRows() {
        assertTrue(ClickHouseErrors.refusesRows(new RuntimeException("Code: 395, e.displayText() = throwIf")));
        assertTrue(ClickHouseErrors.refusesRows(new RuntimeException("Code: 33. DB::Exception: Cannot read all data")));
        assertFalse(ClickHouseErrors.refusesRows(new RuntimeException("Code: 16. DB::Exception: No such column")),
                "a table changed: retried, not dead-lettered");
        assertFalse(ClickHouseErrors.refusesRows(new RuntimeException("Code: 241. Memory limit exceeded")));
        assertFalse(ClickHouseErrors.refusesRows(new RuntimeException("Code: 252. Too many parts")));
        assertFalse(ClickHouseErrors.refusesRows(new ClickHouseException("failed", new ConnectException("refused"))));
    }
}
