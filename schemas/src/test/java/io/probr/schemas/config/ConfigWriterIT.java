package io.probr.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The configuration topic on a real broker: versions, conflicts between writers, and every reader agreeing. */
@ExtendWith(SharedKafkaBroker.class)
class ConfigWriterIT {
    private KafkaSettings kafka;

    @BeforeEach
    void topic(LocalKafkaBroker broker) throws Exception {
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        try (Admin admin = kafka.admin(Map.of())) {
            TopicSetup.ensure(admin, List.of(Topic.CONFIG), 3, (short) 1, 30_000);
        }
    }

    @Test
    void aWriteIsInTheWritersViewWhenItReturnsAndAStaleVersionIsAConflict() throws Exception {
        String id = "site-" + UUID.randomUUID();
        try (ConfigView view = loadedView("a"); ConfigWriter writer = new ConfigWriter(kafka, view)) {
            writer.put(site(id, "Shop", 1), OptionalLong.empty());
            assertEquals("Shop", view.get(ConfigKind.SITE, id, Site.class).orElseThrow().name());

            assertThrows(ConfigConflictException.class, () -> writer.put(site(id, "Again", 1), OptionalLong.empty()));
            writer.put(site(id, "Shop FR", 2), OptionalLong.of(1));
            ConfigConflictException stale = assertThrows(ConfigConflictException.class,
                    () -> writer.put(site(id, "Lost", 2), OptionalLong.of(1)));
            assertTrue(stale.getMessage().contains("version 2"), stale.getMessage());
            assertEquals("Shop FR", view.get(ConfigKind.SITE, id, Site.class).orElseThrow().name());

            writer.delete(ConfigKey.of(ConfigKind.SITE, id), 2);
            assertTrue(view.get(ConfigKind.SITE, id, Site.class).isEmpty());
        }
    }

    @Test
    void twoInstancesWritingFromTheSameVersionGetOneWinnerAndEveryViewAgrees() throws Exception {
        String id = "site-" + UUID.randomUUID();
        try (ConfigView viewA = loadedView("a"); ConfigWriter writerA = new ConfigWriter(kafka, viewA);
             ConfigView viewB = loadedView("b"); ConfigWriter writerB = new ConfigWriter(kafka, viewB)) {
            writerA.put(site(id, "v1", 1), OptionalLong.empty());
            assertTrue(viewB.awaitPosition(positionOf(viewA), Duration.ofSeconds(10)));

            int rounds = 10;
            int wins = 0;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < rounds; round++) {
                    long version = 1 + round;
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Boolean>> outcomes = new ArrayList<>();
                    for (ConfigWriter writer : List.of(writerA, writerB)) {
                        String name = (writer == writerA ? "a" : "b") + round;
                        outcomes.add(pool.submit(attempt(go, () -> writer.put(site(id, name, version + 1),
                                OptionalLong.of(version)))));
                    }
                    go.countDown();
                    int roundWins = 0;
                    for (Future<Boolean> outcome : outcomes) {
                        roundWins += outcome.get() ? 1 : 0;
                    }
                    assertEquals(1, roundWins, "round " + round + ": exactly one writer wins");
                    wins += roundWins;
                    assertTrue(viewB.awaitPosition(positionOf(viewA), Duration.ofSeconds(10)));
                    assertEquals(viewA.get(ConfigKind.SITE, id, Site.class), viewB.get(ConfigKind.SITE, id, Site.class));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(rounds, wins);
            Site winner = viewA.get(ConfigKind.SITE, id, Site.class).orElseThrow();
            assertEquals(rounds + 1, winner.version());
            try (ConfigView fresh = loadedView("fresh")) {
                assertEquals(winner, fresh.get(ConfigKind.SITE, id, Site.class).orElseThrow());
            }
        }
    }

    private static Callable<Boolean> attempt(CountDownLatch go, Callable<Site> write) {
        return () -> {
            go.await();
            try {
                write.call();
                return true;
            } catch (ConfigConflictException e) {
                return false;
            }
        };
    }

    private static long positionOf(ConfigView view) {
        return view.position();
    }

    private ConfigView loadedView(String name) throws InterruptedException {
        ConfigView view = new ConfigView(kafka, "config-it-" + name).start();
        assertTrue(view.awaitLoaded(Duration.ofSeconds(30)), "view loaded");
        return view;
    }

    private static Site site(String id, String name, long version) {
        return new Site(id, name, true, "2026-12-03T00:00:00Z", "2026-12-03T00:00:00Z", version);
    }
}
