package io.probr.schemas.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP server's certificate, from {@code <prefix>CERT} and {@code <prefix>KEY} (PEM: the chain, and a PKCS#8
 * private key) or {@code <prefix>KEYSTORE} and {@code <prefix>KEYSTORE_PASSWORD} (PKCS#12). The files are read
 * again when they change (certificates renew), checked every {@code <prefix>RELOAD_CHECK_MS}.
 */
public record TlsSettings(List<Path> files, boolean pem, String keyStorePassword, long reloadCheckMs) {
    /** Empty when no TLS variable is set: the server speaks plain HTTP. */
    public static Optional<TlsSettings> fromEnv(EnvVars env, String prefix) {
        String cert = env.get(prefix + "CERT", "");
        String key = env.get(prefix + "KEY", "");
        String keyStore = env.get(prefix + "KEYSTORE", "");
        long reload = env.number(prefix + "RELOAD_CHECK_MS", 60_000, 1_000, 86_400_000);
        if (!keyStore.isEmpty()) {
            if (!cert.isEmpty() || !key.isEmpty()) {
                throw new IllegalArgumentException("set either " + prefix + "KEYSTORE or " + prefix + "CERT and "
                        + prefix + "KEY, not both");
            }
            return Optional.of(new TlsSettings(List.of(Path.of(keyStore)), false,
                    env.get(prefix + "KEYSTORE_PASSWORD", ""), reload));
        }
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException(prefix + "CERT and " + prefix + "KEY go together: set both or neither");
        }
        return cert.isEmpty() ? Optional.empty() : Optional.of(new TlsSettings(List.of(Path.of(cert), Path.of(key)), true, "", reload));
    }

    /** A PKCS#12 key store holding the key and its chain, under the alias "probr" and {@link #keyStorePassword()}. */
    public KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (!pem) {
            try (InputStream in = Files.newInputStream(files.get(0))) {
                store.load(in, keyStorePassword.toCharArray());
            }
            return store;
        }
        List<Certificate> chain;
        try (InputStream in = Files.newInputStream(files.get(0))) {
            chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(files.get(0) + " holds no certificate");
        }
        store.load(null, null);
        store.setKeyEntry("probr", privateKey(files.get(1)), keyStorePassword.toCharArray(), chain.toArray(Certificate[]::new));
        return store;
    }

    /** What changes when a file is replaced: its modification time and size, for every file. */
    public String version() {
        StringBuilder version = new StringBuilder();
        for (Path file : files) {
            try {
                version.append(Files.getLastModifiedTime(file).toMillis()).append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                version.append("missing;");
            }
        }
        return version.toString();
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new GeneralSecurityException(file + " holds a PKCS#1/SEC1 key; convert it to PKCS#8 with"
                    + " `openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem`");
        }
        int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + 27, end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + ": not an RSA, EC or EdDSA private key");
    }

    /** Paths only: a key store password is never logged. */
    @Override
    public String toString() {
        return "tls=" + files;
    }
}
