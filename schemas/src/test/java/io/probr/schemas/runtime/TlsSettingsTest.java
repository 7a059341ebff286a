package io.probr.schemas.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {
    private static TlsSettings tls(Map<String, String> env) {
        return TlsSettings.fromEnv(new EnvVars(env), "PROBR_EDGE_TLS_").orElseThrow();
    }

    @Test
    void noVariableMeansPlainHttp() {
        assertFalse(TlsSettings.fromEnv(new EnvVars(Map.of()), "PROBR_EDGE_TLS_").isPresent());
    }

    @Test
    void halfOrDoubleSettingsAreRefusedWithTheVariablesNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tls(Map.of("PROBR_EDGE_TLS_KEY", "k.pem")))
                .getMessage().contains("PROBR_EDGE_TLS_CERT and PROBR_EDGE_TLS_KEY go together"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tls(Map.of("PROBR_EDGE_TLS_KEYSTORE", "a.p12",
                "PROBR_EDGE_TLS_CERT", "c.pem"))).getMessage().contains("either PROBR_EDGE_TLS_KEYSTORE"));
    }

    @Test
    void aPkcs1KeySaysHowToConvertIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "");
        Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        TlsSettings settings = tls(Map.of("PROBR_EDGE_TLS_CERT", dir.resolve("cert.pem").toString(),
                "PROBR_EDGE_TLS_KEY", dir.resolve("key.pem").toString()));
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, settings::load);
        assertTrue(e.getMessage().contains("holds no certificate") || e.getMessage().contains("openssl pkcs8"), e.getMessage());
    }

    @Test
    void theVersionChangesWhenAFileIsReplaced(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("a.p12");
        Files.writeString(store, "one");
        TlsSettings settings = tls(Map.of("PROBR_EDGE_TLS_KEYSTORE", store.toString(), "PROBR_EDGE_TLS_KEYSTORE_PASSWORD", "s3cret"));
        String before = settings.version();
        Files.writeString(store, "three");
        assertNotEquals(before, settings.version());
        assertEquals("tls=[" + store + "]", settings.toString(), "paths only, never the password");
    }
}
