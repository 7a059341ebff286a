package io.probr.alerting.evaluate;

import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.IngestKey;
import io.probr.schemas.config.Trigger;
import java.util.List;
import java.util.Optional;

/** The triggers alerting evaluates, and what it needs to know of sites; read from the configuration topic. */
public interface TriggerSource {

    List<Trigger> all();

    Optional<Trigger> byId(String id);

    /** Whether a site's keys are restricted to (among others) this container: how a site-wide trigger finds it. */
    boolean siteHasContainer(String siteId, String containerId);

    /** Whether {@code trigger} watches {@code containerId}: its container, or a container of its site. */
    default boolean watches(Trigger trigger, String containerId) {
        if (!trigger.active()) {
            return false;
        }
        return trigger.containerId() != null ? trigger.containerId().equals(containerId)
                : siteHasContainer(trigger.siteId(), containerId);
    }

    static TriggerSource of(ConfigView view) {
        return new TriggerSource() {
            @Override
            public List<Trigger> all() {
                return view.all(ConfigKind.TRIGGER, Trigger.class);
            }

            @Override
            public Optional<Trigger> byId(String id) {
                return view.get(ConfigKind.TRIGGER, id, Trigger.class);
            }

            @Override
            public boolean siteHasContainer(String siteId, String containerId) {
                return view.all(ConfigKind.INGEST_KEY, IngestKey.class).stream()
                        .anyMatch(k -> k.siteId().equals(siteId) && k.containers().contains(containerId));
            }
        };
    }
}
