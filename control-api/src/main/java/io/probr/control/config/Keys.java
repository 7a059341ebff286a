package io.probr.control.config;

import io.probr.control.http.ApiError;
import io.probr.control.http.ErrorCode;
import io.probr.control.http.JsonBody;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.IngestKey;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.config.Site;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Ingest keys: created (the secret shown once, its hash stored), listed (never a secret or hash), revoked,
 * rotated with a grace during which the old secret still works.
 */
public final class Keys {
    public static final Set<String> CREATE_FIELDS = Set.of("site_id", "containers", "rate_per_second", "burst", "label");
    public static final Set<String> ROTATE_FIELDS = Set.of("grace_seconds");
    public static final long DEFAULT_GRACE_SECONDS = 86_400;
    private static final long MAX_GRACE_SECONDS = 30L * 86_400;

    private final ConfigView view;
    private final ConfigWriter writer;
    private final Clock clock;
    private final Function<List<String>, Map<String, String>> lastUsed;
    private final KeyCodec codec = KeyCodec.forIngestKeys();

    /** {@code lastUsed}: key ids → when each last posted, for those known (best effort). */
    public Keys(ConfigView view, ConfigWriter writer, Clock clock, Function<List<String>, Map<String, String>> lastUsed) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
        this.lastUsed = lastUsed;
    }

    /** One page of keys, each with {@code last_used_at}. */
    public List<Map<String, Object>> list(String siteId, int limit, int offset) {
        List<Map<String, Object>> page = view.all(ConfigKind.INGEST_KEY, IngestKey.class).stream()
                .filter(k -> siteId == null || k.siteId().equals(siteId))
                .skip(offset).limit(limit + 1L)
                .map(this::describe).toList();
        Map<String, String> used = lastUsed.apply(page.stream().map(k -> (String) k.get("id")).toList());
        page.forEach(k -> k.put("last_used_at", used.get((String) k.get("id"))));
        return page;
    }

    public Map<String, Object> get(String id) {
        Map<String, Object> key = describe(find(id));
        key.put("last_used_at", lastUsed.apply(List.of(id)).get(id));
        return key;
    }

    public Map<String, Object> create(JsonBody body) throws ConfigConflictException, InterruptedException {
        String siteId = body.requiredString("site_id", 64, Validation.SITE_ID, Validation.SITE_ID_HINT);
        if (view.get(ConfigKind.SITE, siteId, Site.class).isEmpty()) {
            throw ApiError.invalid("site_id", "no site " + siteId + "; create it first (POST /v1/sites)");
        }
        List<String> containers = body.strings("containers", 100, 64, Validation.CONTAINER_ID, Validation.CONTAINER_HINT)
                .orElse(List.of());
        Double rate = body.positiveNumber("rate_per_second", 1_000_000).orElse(null);
        Integer burst = body.integer("burst", 1, 1_000_000).map(Long::intValue).orElse(null);
        String label = body.string("label", 200, Validation.LABEL, Validation.LABEL_HINT).orElse(null);
        String secret = codec.newKey();
        String id = codec.idOf(secret).orElseThrow();
        IngestKey key = writer.put(new IngestKey(id, siteId, label, containers, rate, burst,
                List.of(new IngestKey.Secret(KeyCodec.sha256Hex(secret), null)), clock.instant().toString(), null, 1),
                OptionalLong.empty());
        return withSecret(key, secret);
    }

    public Map<String, Object> revoke(String id) throws ConfigConflictException, InterruptedException {
        IngestKey key = find(id);
        if (key.revoked()) {
            return describe(key);
        }
        return describe(writer.put(new IngestKey(key.id(), key.siteId(), key.label(), key.containers(),
                key.ratePerSecond(), key.burst(), key.secrets(), key.createdAt(), clock.instant().toString(),
                key.version() + 1), OptionalLong.of(key.version())));
    }

    /** A new secret under the same id; the ones in force expire after the grace (sooner if they already would). */
    public Map<String, Object> rotate(String id, JsonBody body) throws ConfigConflictException, InterruptedException {
        IngestKey key = find(id);
        if (key.revoked()) {
            throw new ApiError(ErrorCode.CONFLICT, "key " + id + " is revoked; create a new one");
        }
        long grace = body.integer("grace_seconds", 0, MAX_GRACE_SECONDS).orElse(DEFAULT_GRACE_SECONDS);
        Instant now = clock.instant();
        Instant deadline = now.plusSeconds(grace);
        String secret = codec.newKey(id);
        List<IngestKey.Secret> secrets = new ArrayList<>();
        secrets.add(new IngestKey.Secret(KeyCodec.sha256Hex(secret), null));
        for (IngestKey.Secret old : key.secrets()) {
            if (!old.expiredAt(now)) {
                Instant expiry = old.expiresAt() == null ? deadline : min(Instant.parse(old.expiresAt()), deadline);
                secrets.add(new IngestKey.Secret(old.sha256(), expiry.toString()));
            }
        }
        IngestKey rotated = writer.put(new IngestKey(key.id(), key.siteId(), key.label(), key.containers(),
                key.ratePerSecond(), key.burst(), secrets, key.createdAt(), null, key.version() + 1),
                OptionalLong.of(key.version()));
        Map<String, Object> answer = withSecret(rotated, secret);
        answer.put("previous_secret_expires_at", deadline.toString());
        return answer;
    }

    private IngestKey find(String id) {
        if (!Validation.KEY_ID.matcher(id).matches()) {
            throw ApiError.notFound("key " + id);
        }
        return view.get(ConfigKind.INGEST_KEY, id, IngestKey.class).orElseThrow(() -> ApiError.notFound("key " + id));
    }

    private Map<String, Object> withSecret(IngestKey key, String secret) {
        Map<String, Object> answer = describe(key);
        answer.put("secret", secret);
        return answer;
    }

    /** What a key looks like from outside: everything but secrets and hashes. */
    private Map<String, Object> describe(IngestKey key) {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("site_id", key.siteId());
        out.put("label", key.label());
        out.put("containers", key.containers());
        out.put("rate_per_second", key.ratePerSecond());
        out.put("burst", key.burst());
        out.put("status", key.revoked() ? "revoked" : "active");
        out.put("created_at", key.createdAt());
        out.put("revoked_at", key.revokedAt());
        out.put("secrets", key.secrets().stream().filter(s -> !s.expiredAt(now))
                .map(s -> {
                    Map<String, Object> secret = new LinkedHashMap<>();
                    secret.put("expires_at", s.expiresAt());
                    return secret;
                }).toList());
        out.put("version", key.version());
        return out;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
