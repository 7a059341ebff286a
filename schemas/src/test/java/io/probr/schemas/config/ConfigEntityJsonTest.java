package io.probr.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigEntityJsonTest {

    @Test
    void anIngestKeyRoundTripsAsSnakeCaseJsonWithoutDerivedFields() throws Exception {
        IngestKey key = new IngestKey("0123456789abcdef", "shop-fr", "prod", List.of("GTM-ABC123"), 50.0, 100,
                List.of(new IngestKey.Secret("aa", null), new IngestKey.Secret("bb", "2026-12-04T00:00:00Z")),
                "2026-12-03T00:00:00Z", null, 3);
        String json = ConfigView.JSON.writeValueAsString(key);
        assertTrue(json.contains("\"site_id\":\"shop-fr\""), json);
        assertTrue(json.contains("\"expires_at\":\"2026-12-04T00:00:00Z\""), json);
        assertFalse(json.contains("\"kind\""), json);
        assertFalse(json.contains("\"key\""), json);
        assertEquals(key, ConfigView.JSON.readValue(json, IngestKey.class));
    }

    @Test
    void aSecretExpiresAtItsDeadlineNotBefore() {
        IngestKey.Secret secret = new IngestKey.Secret("aa", "2026-12-04T00:00:00Z");
        assertFalse(secret.expiredAt(Instant.parse("2026-12-03T23:59:59.999Z")));
        assertTrue(secret.expiredAt(Instant.parse("2026-12-04T00:00:00Z")));
    }

    @Test
    void keysParseBackAndUnknownKindsAreSkipped() {
        assertEquals(ConfigKey.of(ConfigKind.SITE, "shop/fr"), ConfigKey.parse("site/shop/fr").orElseThrow());
        assertEquals(ConfigKey.of(ConfigKind.WEBHOOK, "wh_1"), ConfigKey.parse("webhook/wh_1").orElseThrow());
        assertTrue(ConfigKey.parse("dashboard/d_1").isEmpty(), "a kind written by a newer version");
        assertTrue(ConfigKey.parse("site/").isEmpty());
        assertTrue(ConfigKey.parse(null).isEmpty());
    }
}
