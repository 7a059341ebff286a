package io.probr.schemas.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Condition parse(String json) throws Exception {
        return Condition.parse(JSON.readTree(json));
    }

    private static String refusedField(String json) {
        return assertThrows(Condition.InvalidConditionException.class, () -> parse(json)).field();
    }

    @Test
    void everyMetricOfTheIssueParses() throws Exception {
        Condition rate = parse("{\"failure_rate\": {\"greater_than\": 0.5}, \"min_executions\": 3, \"period\": \"5m\"}");
        assertEquals(new Condition(Condition.Metric.FAILURE_RATE, 0.5, 3, 300_000, null), rate);
        assertEquals(3, parse("{\"timeouts\": {\"at_least\": 3}}").threshold());
        assertEquals(2000, parse("{\"avg_execution_ms\": {\"greater_than\": 2000}}").threshold());
        assertEquals(900_000, parse("{\"no_events\": {\"for\": \"15m\"}}").periodMs());
        assertEquals(Condition.Metric.TAG_MISSING, parse("{\"tag_missing\": true, \"period\": \"1h\"}").metric());
        Condition coverage = parse("{\"coverage\": {\"field\": \"user_data.email\", \"less_than\": 0.8}}");
        assertEquals("user_data.email", coverage.coverageField());
        assertEquals(0.8, coverage.threshold());
    }

    @Test
    void aBadConditionNamesTheField() {
        assertEquals("conditions.failure_rate.greater_than", refusedField("{\"failure_rate\": {\"greater_than\": \"high\"}}"));
        assertEquals("conditions.failure_rate.above", refusedField("{\"failure_rate\": {\"above\": 0.5}}"));
        assertEquals("conditions", refusedField("{\"min_executions\": 3}"));
        assertEquals("conditions", refusedField("{\"timeouts\": {\"at_least\": 1}, \"tag_missing\": true}"));
        assertEquals("conditions.period", refusedField("{\"timeouts\": {\"at_least\": 1}, \"period\": \"5 minutes\"}"));
        assertEquals("conditions.period", refusedField("{\"timeouts\": {\"at_least\": 1}, \"period\": \"30s\"}"));
        assertEquals("conditions.coverage.field", refusedField("{\"coverage\": {\"field\": \"user_data.ssn\", \"less_than\": 0.8}}"));
        assertEquals("conditions.latency", refusedField("{\"latency\": {\"greater_than\": 1}}"));
        assertEquals("conditions", refusedField("[]"));
    }
}
