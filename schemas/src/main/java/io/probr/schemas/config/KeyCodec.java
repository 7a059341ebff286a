package io.probr.schemas.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shape of a secret Probr hands out: {@code <prefix><id>_<secret>}, where {@code id} is 16 hex characters
 * (public: it goes into record headers and logs) and {@code secret} 48 hex characters of randomness. Only the
 * SHA-256 of the whole string is stored; a high-entropy secret needs no slow hash. Ingest keys start
 * {@code pk_live_}, admin tokens {@code pa_}.
 */
public final class KeyCodec {
    public static final String INGEST_KEY_PREFIX = "pk_live_";
    public static final String ADMIN_TOKEN_PREFIX = "pa_";
    private static final int ID_HEX = 16;
    private static final int SECRET_HEX = 48;
    private static final HexFormat HEX = HexFormat.of();

    private final String prefix;
    private final SecureRandom random = new SecureRandom();

    public KeyCodec(String prefix) {
        this.prefix = prefix;
    }

    public static KeyCodec forIngestKeys() {
        return new KeyCodec(INGEST_KEY_PREFIX);
    }

    public static KeyCodec forAdminTokens() {
        return new KeyCodec(ADMIN_TOKEN_PREFIX);
    }

    /** A new secret string; show it once and store only {@link #sha256Hex(String)} of it. */
    public String newKey() {
        return newKey(randomHex(ID_HEX));
    }

    /** A new secret under an existing id: a rotation. */
    public String newKey(String id) {
        return prefix + id + "_" + randomHex(SECRET_HEX);
    }

    /** The public id inside a secret string, or empty when the string is not shaped like one of this kind. */
    public Optional<String> idOf(String key) {
        if (key == null || key.length() != prefix.length() + ID_HEX + 1 + SECRET_HEX || !key.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = key.substring(prefix.length());
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

    public static String sha256Hex(String key) {
        return HEX.formatHex(sha256(key));
    }

    /** Constant-time: the time taken does not tell an attacker how many leading bytes matched. */
    public static boolean matches(String presentedKey, byte[] storedSha256) {
        return MessageDigest.isEqual(sha256(presentedKey), storedSha256);
    }

    /** {@link #matches} against a stored hex digest; a malformed digest matches nothing. */
    public static boolean matchesHex(String presentedKey, String storedSha256Hex) {
        try {
            return storedSha256Hex != null && matches(presentedKey, HEX.parseHex(storedSha256Hex));
        } catch (IllegalArgumentException e) {
            return false;
        }
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
