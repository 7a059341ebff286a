package io.probr.sink.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.probr.schemas.topic.Topic;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRequestTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void timesInMillisecondsIsoInstantsOrDatesAndDefaults() {
        ReplayRequest request = ReplayCli.parse(List.of("--from", "2024-02-24"), NOW);
        assertEquals(1708732800000L, request.fromMs());
        assertEquals(NOW, request.toMs());
        assertEquals(List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS), request.topics());
        ReplayRequest precise = ReplayCli.parse(List.of("--from", "1708790400000", "--to",
                "2024-02-24T17:00:00Z", "--container", "GTM-ABC123", "--what", "windows", "--dry-run"), NOW);
        assertEquals(new ReplayRequest(1708790400000L, 1708794000000L, "GTM-ABC123", List.of(Topic.WINDOWS), true, false), precise);
    }

    @Test
    void rebuildingWindowsReadsTheEvents() {
        ReplayRequest request = ReplayCli.parse(List.of("--from", "2024-02-24", "--rebuild-windows"), NOW);
        assertEquals(List.of(Topic.EVENTS), request.topics());
        assertEquals(true, request.rebuildWindows());
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertMessage("Missing required option: '--from=TIME'", List.of("--to", "5"));
        assertMessage("--from must be before --to", List.of("--from", "10", "--to", "5"));
        assertMessage("--from yesterday is neither", List.of("--from", "yesterday"));
        assertMessage("--what must be events, batches, windows or all, not tags", List.of("--from", "1", "--what", "tags"));
        assertMessage("Missing required parameter for option '--container'", List.of("--from", "1", "--container"));
        assertMessage("--rebuild-windows reads the events and writes windows: it takes no --what",
                List.of("--from", "1", "--rebuild-windows", "--what", "windows"));
        assertMessage("Unknown option: '--force'", List.of("--from", "1", "--force"));
    }

    private static void assertMessage(String start, List<String> args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayCli.parse(args, NOW));
        assertEquals(start, e.getMessage().substring(0, Math.min(start.length(), e.getMessage().length())));
    }
}
