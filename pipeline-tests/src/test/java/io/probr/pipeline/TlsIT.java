package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.control.ControlApp;
import io.probr.control.ControlConfig;
import io.probr.ingest.IngestApp;
import io.probr.ingest.IngestConfig;
import io.probr.ingest.auth.KeyFile;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge and the control API serve HTTPS themselves: from PEM files (the edge) or a PKCS#12 key store (the
 * API), checked by a client that trusts only the expected certificate. A renewed certificate is served without a
 * restart; plain HTTP is not served on the TLS port.
 */
@ExtendWith(SharedKafkaBroker.class)
class TlsIT {
    private static final String PASSWORD = "changeit";

    @Test
    void theEdgeServesItsPemCertificateAndARenewedOneWithoutRestart(@TempDir Path dir) throws Exception {
        Path first = keyStore(dir, "first", "probr-edge-1");
        Path second = keyStore(dir, "second", "probr-edge-2");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        writePem(first, cert, key);
        new KeyFile(Map.of(), List.of()).write(dir.resolve("keys.json"));
        try (IngestApp edge = new IngestApp(IngestConfig.fromEnv(Map.of("PROBR_EDGE_HOST", "127.0.0.1",
                "PROBR_EDGE_PORT", "0", "PROBR_KAFKA_BOOTSTRAP", "127.0.0.1:1", "PROBR_EDGE_WARMUP_SECONDS", "0",
                "PROBR_KEYS_FILE", dir.resolve("keys.json").toString(),
                "PROBR_EDGE_TLS_CERT", cert.toString(), "PROBR_EDGE_TLS_KEY", key.toString(),
                "PROBR_EDGE_TLS_RELOAD_CHECK_MS", "1000")))) {
            URI healthz = URI.create("https://127.0.0.1:" + edge.port() + "/healthz");
            HttpResponse<String> answer = get(trusting(first), healthz);
            assertEquals(200, answer.statusCode());
            assertEquals("CN=probr-edge-1", subject(answer));
            assertThrows(SSLHandshakeException.class, () -> get(trusting(second), healthz),
                    "a client that does not trust the certificate is refused");
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + edge.port() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the TLS port");

            // renewal: new files written beside and moved in place, as certbot and Kubernetes do
            writePem(second, dir.resolve("cert.new"), dir.resolve("key.new"));
            Files.move(dir.resolve("key.new"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve("cert.new"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            HttpClient renewed = trusting(second);
            Poll.until("the renewed certificate served", Duration.ofSeconds(15), () -> {
                try {
                    return "CN=probr-edge-2".equals(subject(get(renewed, healthz)));
                } catch (SSLHandshakeException stillTheOldOne) {
                    return false;
                }
            });
        }
    }

    @Test
    void theControlApiServesAPkcs12KeyStore(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path store = keyStore(dir, "api", "probr-api");
        try (ControlApp api = new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0", "PROBR_API_TLS_KEYSTORE", store.toString(),
                "PROBR_API_TLS_KEYSTORE_PASSWORD", PASSWORD)))) {
            HttpResponse<String> answer = get(trusting(store), URI.create("https://127.0.0.1:" + api.port() + "/v1/sites"));
            assertEquals(401, answer.statusCode(), "the API answers over TLS (and still wants a token)");
            assertEquals("CN=probr-api", subject(answer));
        }
    }

    @Test
    void halfConfiguredTlsIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IngestConfig.fromEnv(Map.of(
                "PROBR_EDGE_TLS_CERT", "/etc/probr/cert.pem")));
        assertTrue(e.getMessage().contains("PROBR_EDGE_TLS_KEY"), e.getMessage());
    }

    /** A PKCS#12 key store with a new self-signed certificate, made by the JDK's keytool. */
    private static Path keyStore(Path dir, String name, String commonName) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "probr", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + commonName,
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        return store;
    }

    /** The key store's certificate and its key as PEM files (PKCS#8), as an ACME client writes them. */
    private static void writePem(Path store, Path cert, Path key) throws Exception {
        KeyStore keyStore = load(store);
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                + base64.encodeToString(keyStore.getCertificate("probr").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + base64.encodeToString(keyStore.getKey("probr", PASSWORD.toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    /** A client that trusts only this key store's certificate. */
    private static HttpClient trusting(Path store) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", load(store).getCertificate("probr"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String subject(HttpResponse<?> answer) throws Exception {
        return ((X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
}
