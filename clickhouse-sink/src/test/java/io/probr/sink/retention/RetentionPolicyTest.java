package io.probr.sink.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);

    @Test
    void aMonthGoesOnlyOnceItsLastDayIsOlderThanTheRetention() {
        // 30 days before 2026-12-03 is 2026-11-03: October (ends the 31st) goes, November stays
        assertTrue(RetentionPolicy.isExpired(202610, 30, TODAY));
        assertFalse(RetentionPolicy.isExpired(202611, 30, TODAY));
        assertFalse(RetentionPolicy.isExpired(202612, 30, TODAY));
        // 2026-10-31 is 33 days back: kept with 33 days, gone with 32
        assertFalse(RetentionPolicy.isExpired(202610, 33, TODAY));
        assertTrue(RetentionPolicy.isExpired(202610, 32, TODAY));
    }

    @Test
    void zeroDaysKeepsForeverAndTheEpochMonthGoes() {
        assertFalse(RetentionPolicy.isExpired(197001, 0, TODAY));
        assertTrue(RetentionPolicy.isExpired(197001, 400, TODAY));
    }

    @Test
    void rawAndWindowTablesHaveTheirOwnRetention() {
        RetentionPolicy policy = new RetentionPolicy(30, 400);
        assertEquals(30, policy.daysByTable().get("probr.tag_executions"));
        assertEquals(400, policy.daysByTable().get("probr.tag_windows"));
        assertEquals(400, policy.daysByTable().get("probr.webhook_deliveries"));
        assertEquals(6, policy.daysByTable().size());
    }
}
