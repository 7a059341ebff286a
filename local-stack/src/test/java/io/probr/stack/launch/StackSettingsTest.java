package io.probr.stack.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackSettingsTest {
    @Test
    void defaultsAreTheDocumentedPortsAndStateUnderTheCheckout() {
        StackSettings settings = StackSettings.fromEnv(Path.of("/repo"), Map.of());
        assertEquals(Path.of("/repo/.probr"), settings.state());
        assertEquals("127.0.0.1:9092", settings.kafkaBootstrap());
        assertEquals("http://127.0.0.1:8123", settings.clickHouseUrl());
        assertEquals(8080, settings.edgePort());
        assertEquals(Path.of("/repo/ingest-api/target/ingest-api.jar"), settings.jar("ingest-api"));
    }

    @Test
    void theEnvironmentOverridesAndABadPortIsRefusedByName() {
        StackSettings settings = StackSettings.fromEnv(Path.of("/repo"), Map.of("PROBR_HOME", "/tmp/p",
                "PROBR_EDGE_PORT", "18080"));
        assertEquals(Path.of("/tmp/p"), settings.state());
        assertEquals(18080, settings.edgePort());
        StackException e = assertThrows(StackException.class,
                () -> StackSettings.fromEnv(Path.of("/repo"), Map.of("PROBR_SINK_PORT", "80a")));
        assertTrue(e.getMessage().startsWith("PROBR_SINK_PORT must be a port number"), e.getMessage());
        assertThrows(StackException.class, () -> StackSettings.fromEnv(Path.of("/repo"), Map.of("PROBR_API_PORT", "0")));
    }
}
