package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {
    @Test
    void theFirstFewOfEachKindThenOneInEvery() {
        RepeatedWarnings warnings = new RepeatedWarnings(3, 100);
        List<Long> logged = LongStream.rangeClosed(1, 250).map(i -> warnings.count("future_timestamp"))
                .filter(n -> n > 0).boxed().toList();
        assertEquals(List.of(1L, 2L, 3L, 100L, 200L), logged);
        assertEquals(1, warnings.count("invalid_payload"), "kinds are counted apart");
    }
}
