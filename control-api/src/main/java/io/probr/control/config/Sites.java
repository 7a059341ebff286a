package io.probr.control.config;

import io.probr.control.http.ApiError;
import io.probr.control.http.ErrorCode;
import io.probr.control.http.JsonBody;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.IngestKey;
import io.probr.schemas.config.Site;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Sites (EchoTag's projects): created with a user-chosen id, renamed, enabled or disabled, deleted. */
public final class Sites {
    public static final Set<String> CREATE_FIELDS = Set.of("id", "name", "enabled");
    public static final Set<String> PATCH_FIELDS = Set.of("name", "enabled", "version");

    private final ConfigView view;
    private final ConfigWriter writer;
    private final Clock clock;

    public Sites(ConfigView view, ConfigWriter writer, Clock clock) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
    }

    public List<Site> list() {
        return view.all(ConfigKind.SITE, Site.class);
    }

    public Site get(String id) {
        return view.get(ConfigKind.SITE, id, Site.class).orElseThrow(() -> ApiError.notFound("site " + id));
    }

    public Site create(JsonBody body) throws ConfigConflictException, InterruptedException {
        String id = body.requiredString("id", 64, Validation.SITE_ID, Validation.SITE_ID_HINT);
        String name = body.string("name", 200, Validation.LABEL, Validation.LABEL_HINT).orElse(id);
        boolean enabled = body.bool("enabled").orElse(true);
        String now = clock.instant().toString();
        if (view.get(ConfigKind.SITE, id, Site.class).isPresent()) {
            throw new ApiError(ErrorCode.CONFLICT, "site " + id + " already exists");
        }
        return writer.put(new Site(id, name, enabled, now, now, 1), OptionalLong.empty());
    }

    public Site update(String id, JsonBody body) throws ConfigConflictException, InterruptedException {
        Site current = get(id);
        long expected = body.integer("version", 1, Long.MAX_VALUE).orElse(current.version());
        Site updated = new Site(id, body.string("name", 200, Validation.LABEL, Validation.LABEL_HINT).orElse(current.name()),
                body.bool("enabled").orElse(current.enabled()), current.createdAt(), clock.instant().toString(),
                expected + 1);
        return writer.put(updated, OptionalLong.of(expected));
    }

    /** A site with keys that still work cannot be deleted: revoke them first, so no edge is left guessing. */
    public void delete(String id) throws ConfigConflictException, InterruptedException {
        Site current = get(id);
        long active = view.all(ConfigKind.INGEST_KEY, IngestKey.class).stream()
                .filter(k -> k.siteId().equals(id) && !k.revoked()).count();
        if (active > 0) {
            throw new ApiError(ErrorCode.CONFLICT, "site " + id + " has " + active + " active keys; revoke them first");
        }
        writer.delete(current.key(), current.version());
    }
}
