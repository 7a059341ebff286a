package io.probr.ingest.auth;

import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.IngestKey;
import io.probr.schemas.config.Site;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Writes a key file's sites and keys to {@code probr.config.v1}, once: what the topic already has is left
 * alone, so running it again changes nothing. Revoked keys are imported revoked.
 */
public final class KeyImport {

    public record Result(int sitesCreated, int keysCreated, int keysAlreadyThere) {
    }

    private KeyImport() {
    }

    public static Result run(KeyFile file, ConfigView view, ConfigWriter writer, Clock clock)
            throws InterruptedException, ConfigConflictException {
        String now = clock.instant().toString();
        TreeSet<String> siteIds = new TreeSet<>(file.sites().keySet());
        file.keys().forEach(k -> siteIds.add(k.siteId()));
        int sites = 0;
        for (String siteId : siteIds) {
            if (view.get(ConfigKind.SITE, siteId, Site.class).isEmpty()) {
                writer.put(new Site(siteId, siteId, file.siteEnabled(siteId), now, now, 1), OptionalLong.empty());
                sites++;
            }
        }
        int created = 0;
        int there = 0;
        for (KeyFile.Entry entry : file.keys()) {
            entry.toApiKey(); // refuses an entry without id, hash or site
            if (view.get(ConfigKind.INGEST_KEY, entry.id(), IngestKey.class).isPresent()) {
                there++;
                continue;
            }
            writer.put(new IngestKey(entry.id(), entry.siteId(), entry.label(), entry.containers(),
                    entry.ratePerSecond(), entry.burst(), List.of(new IngestKey.Secret(entry.sha256(), null)),
                    entry.createdAt() == null ? now : entry.createdAt(), entry.revoked() ? now : null, 1),
                    OptionalLong.empty());
            created++;
        }
        return new Result(sites, created, there);
    }
}
