package io.probr.ingest.auth;

import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.IngestKey;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.config.Site;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The edge's keys: those of {@code probr.config.v1} (managed through the control API), then those of the
 * key file for ids the topic does not know. The topic wins for an id both name, so a key imported from the
 * file and then revoked or rotated through the API stays revoked or rotated.
 */
public final class ConfigKeys implements Authenticator {
    private final ConfigView view;
    private final Authenticator fileKeys;
    private final Clock clock;
    private final KeyCodec codec = KeyCodec.forIngestKeys();
    /** At start only: a request that comes before the topic is read waits this long for it, rather than a 500. */
    private static final Duration LOAD_WAIT = Duration.ofSeconds(3);

    public ConfigKeys(ConfigView view, Authenticator fileKeys, Clock clock) {
        this.view = view;
        this.fileKeys = fileKeys;
        this.clock = clock;
    }

    @Override
    public AuthResult authenticate(String presentedKey) {
        if (!loaded()) {
            // the file alone could accept a key revoked through the API: no verdict until the topic is read
            return new AuthResult.Unavailable("keys not loaded yet; retry");
        }
        String presented = presentedKey == null ? "" : presentedKey.strip();
        Optional<IngestKey> stored = codec.idOf(presented)
                .flatMap(id -> view.get(ConfigKind.INGEST_KEY, id, IngestKey.class));
        if (stored.isEmpty()) {
            return fileKeys.authenticate(presentedKey);
        }
        IngestKey key = stored.get();
        Optional<IngestKey.Secret> secret = key.secretMatching(presented);
        // A wrong secret answers like an unknown key, so neither tells which key ids exist.
        if (secret.isEmpty()) {
            return new AuthResult.Unauthorized("unknown key");
        }
        if (key.revoked()) {
            return new AuthResult.Forbidden("key revoked");
        }
        if (secret.get().expiredAt(clock.instant())) {
            return new AuthResult.Forbidden("key rotated: this secret expired at " + secret.get().expiresAt());
        }
        Optional<Site> site = view.get(ConfigKind.SITE, key.siteId(), Site.class);
        if (site.isEmpty() || !site.get().enabled()) {
            return new AuthResult.Forbidden("site disabled");
        }
        return new AuthResult.Authenticated(new ApiKey(key.id(), HexFormat.of().parseHex(secret.get().sha256()),
                key.siteId(), false, Set.copyOf(key.containers()), key.ratePerSecond(), key.burst()));
    }

    private boolean loaded() {
        if (view.isLoaded()) {
            return true;
        }
        try {
            return view.isFollowing() && view.awaitLoaded(LOAD_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
