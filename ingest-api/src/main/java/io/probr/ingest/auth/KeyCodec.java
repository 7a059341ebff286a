package io.probr.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shape of an ingestion key: {@code pk_live_<id>_<secret>}, where {@code id} is 16 hex characters
 * (public: it goes into record headers and logs) and {@code secret} 48 hex characters of randomness.
 * Only the SHA-256 of the whole string is stored; a high-entropy key needs no slow hash.
 */
public final class KeyCodec {
    public static final String PREFIX = "pk_live_";
    private static final int ID_HEX = 16;
    private static final int SECRET_HEX = 48;
    private static final HexFormat HEX = HexFormat.of();

    private final SecureRandom random = new SecureRandom();

    /** A new key string; show it once and store only {@link #sha256(String)} of it. */
    public String newKey() {
        return PREFIX + randomHex(ID_HEX) + "_" + randomHex(SECRET_HEX);
    }

    /** The public id inside a key string, or empty when the string is not shaped like a key. */
    public static Optional<String> idOf(String key) {
        if (key == null || key.length() != PREFIX.length() + ID_HEX + 1 + SECRET_HEX || !key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = key.substring(PREFIX.length());
        if (rest.charAt(ID_HEX) != '_' || !isHex(rest, 0, ID_HEX) || !isHex(rest, ID_HEX + 1, rest.length())) {
            return Optional.empty();
        }
        return Optional.of(rest.substring(0, ID_HEX));
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Constant-time: the time taken does not tell an attacker how many leading bytes matched. */
    public static boolean matches(String presentedKey, byte[] storedSha256) {
        return MessageDigest.isEqual(sha256(presentedKey), storedSha256);
    }

    private String randomHex(int length) {
        byte[] bytes = new byte[length / 2];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || Character.isUpperCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
