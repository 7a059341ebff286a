package io.probr.sink;

import static io.probr.sink.TestRecords.example;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.probr.schemas.topic.Topic;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.Poll;
import io.probr.stack.SharedKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ClickHouse stopped while events keep coming, then started: every event is there, once. */
@ExtendWith(SharedKafkaBroker.class)
class ClickHouseOutageIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eventsReadDuringAnOutageAreStoredOnceClickHouseIsBack(LocalKafkaBroker broker, @TempDir Path dir) throws Exception {
        String container = "GTM-OUTAGE" + UUID.randomUUID().toString().substring(0, 4).toUpperCase();
        String where = " WHERE container_id = '" + container + "'";
        try (LocalClickHouse clickHouse = LocalClickHouse.onFreePorts(dir)) {
            clickHouse.start();
            try (SinkHarness harness = new SinkHarness(broker, clickHouse);
                 SinkApp sink = new SinkApp(harness.config("sink-outage-it", Map.of("PROBR_SINK_RETRY_MAX_MS", "1000")))) {
                sendEvents(harness, container, 0, 100);
                Poll.until("the first 100 events", () -> harness.number("SELECT count() FROM probr.events FINAL" + where) == 100);

                clickHouse.stop();
                sendEvents(harness, container, 100, 200);
                Poll.until("the sink to report itself not ready", () -> status(sink, "/readyz") == 503);
                assertEquals(200, status(sink, "/healthz"), "alive while it retries");
                sendEvents(harness, container, 200, 300);

                clickHouse.start();
                Poll.until("every event", Duration.ofSeconds(60),
                        () -> harness.number("SELECT count() FROM probr.events FINAL" + where) == 300);
                Poll.until("the sink to be ready again", () -> status(sink, "/readyz") == 200);
                Poll.until("offsets committed", () -> harness.caughtUp("sink-outage-it"));
                assertEquals(300, harness.number("SELECT uniqExact(ingest_id) FROM probr.events" + where));
                assertEquals(600, harness.number("SELECT count() FROM probr.tag_executions FINAL" + where));
            }
        }
    }

    private static void sendEvents(SinkHarness harness, String container, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String json = example("per-event.json").replace("GTM-ABC123", container)
                    .replace("1708790400000", Long.toString(1708790400000L + i));
            harness.send(TestRecords.fromEdge(Topic.EVENTS, container, json, UUID.randomUUID()));
        }
    }

    private int status(SinkApp sink, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
