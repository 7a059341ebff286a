package io.probr.pipeline.bench;

import io.probr.schemas.payload.TagStatus;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.IngestMetadata;
import io.probr.schemas.topic.Topic;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ProbrTables;
import io.probr.sink.mapping.Rows;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sink figures on the running local stack:
 * {@code SinkBench BOOTSTRAP CLICKHOUSE_URL CLICKHOUSE_TCP_PORT EVENTS ROUNDS MAX_WARMUP_ROUNDS}.
 * Each round pre-fills probr.events.v1 with EVENTS seed-shaped events (2 tags each), starts a fresh sink whose
 * group starts at those records, and times it until it committed them all; then times clickhouse-client
 * inserting the same tag_executions rows in one bulk {@code INSERT ... FORMAT RowBinary} from a file holding the
 * bytes the sink sends for them (the ClickHouse ceiling), and the same rows as TabSeparated (the reference before
 * the sink sent RowBinary); each phase starts once ClickHouse has no merge running. Uncounted rounds warm the JIT up
 * (a sink runs for weeks) until its compiler threads use less than a tenth of the sink's CPU in a round, at most
 * MAX_WARMUP_ROUNDS: measured, they still used 0.5–1.9 s per 200k-event round, as much as the consumer thread,
 * for the first 600k–800k events. Prints the first (cold) round, the medians of the counted ones, the ratio,
 * and the CPU the sink (this JVM, per thread) and ClickHouse used per round. {@code ./probr bench} stops the
 * stack's aggregator and sink meanwhile: they would process the same events on the same two cores.
 */
public final class SinkBench {
    private SinkBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String clickHouseUrl = args[1];
        String tcpPort = args[2];
        int events = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int maxWarmups = Integer.parseInt(args[5]);
        ClickHouseHttp clickHouse = new ClickHouseHttp(clickHouseUrl, "default", "");
        List<Double> sinkRates = new ArrayList<>();
        List<Double> ceilingRates = new ArrayList<>();
        List<Double> tsvRates = new ArrayList<>();
        double coldRate = Double.NaN;
        int warmups = 0;
        boolean settled = false;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "acks", "all", "linger.ms", "20", "compression.type", "lz4"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            TopicSetup.ensure(admin, List.of(Topic.EVENTS, Topic.BATCHES, Topic.WINDOWS, Topic.DLQ), 3, (short) 1, 30_000);
            while (sinkRates.size() < rounds) {
                boolean counted = settled || warmups >= maxWarmups;
                if (!counted) {
                    warmups++;
                }
                String run = UUID.randomUUID().toString().substring(0, 8);
                String group = "probr-sink-bench-" + run;
                Map<TopicPartition, Long> start = Offsets.latest(admin);
                // ten events per millisecond ending now: stream time only moves forward from round to round, so the
                // stack's aggregator closes windows normally instead of emitting a late correction per event
                long t = System.currentTimeMillis() - events / 10;
                UUID[] ingestIds = new UUID[events];
                for (int i = 0; i < events; i++) {
                    ingestIds[i] = UUID.randomUUID();
                    producer.send(perEvent(container(i), t + i / 10, ingestIds[i]));
                }
                producer.flush();
                Map<TopicPartition, Long> end = Offsets.latest(admin);
                Map<TopicPartition, OffsetAndMetadata> begin = new HashMap<>();
                start.forEach((tp, offset) -> begin.put(tp, new OffsetAndMetadata(offset)));
                admin.alterConsumerGroupOffsets(group, begin).all().get();
                mergesSettled(clickHouse);

                double sinkSeconds;
                double sinkCpu;
                double clickHouseCpu;
                double insertSeconds;
                Map<String, Long> threadsBegan;
                Map<String, Long> threadsEnded;
                try (SinkApp sink = new SinkApp(SinkConfig.fromEnv(sinkEnv(bootstrap, clickHouseUrl, group)))) {
                    long began = System.nanoTime(); // after migrations and topic checks; the group join is included
                    long cpuBegan = CpuTime.ofThisJvm();
                    threadsBegan = CpuTime.byThread();
                    long clickHouseCpuBegan = CpuTime.ofClickHouse();
                    while (!Offsets.committedUpTo(admin, group, end)) {
                        Thread.sleep(20);
                    }
                    // read before the sink closes: its shutdown (finishing a poll of up to 500 ms, leaving the group:
                    // 0.5-1 s) is no part of storing the rows
                    sinkSeconds = (System.nanoTime() - began) / 1e9;
                    sinkCpu = (CpuTime.ofThisJvm() - cpuBegan) / 1e9;
                    clickHouseCpu = (CpuTime.ofClickHouse() - clickHouseCpuBegan) / 1e9;
                    insertSeconds = metric(sink.httpPort(), "probr_sink_insert_seconds_sum");
                    threadsEnded = CpuTime.byThread();
                }
                // a group per round would otherwise stay in the local broker's offsets for a week
                admin.deleteConsumerGroups(List.of(group)).all().get();

                List<Rows.TagExecutionRow> tagRows = tagRows(ingestIds, t);
                Path rowBinary = Files.createTempFile("probr-sink-bench", ".bin");
                try (OutputStream out = Files.newOutputStream(rowBinary)) {
                    ProbrTables.TAG_EXECUTIONS.writeRowBinary(tagRows, out);
                }
                Path tabSeparated = Files.createTempFile("probr-sink-bench", ".tsv");
                Files.writeString(tabSeparated, tabSeparated(tagRows), StandardCharsets.UTF_8);
                double clientSeconds = clientInsertSeconds(clickHouse, tcpPort, "RowBinary", rowBinary);
                double tsvSeconds = clientInsertSeconds(clickHouse, tcpPort, "TabSeparated", tabSeparated);
                System.out.printf("%s: sink %.0f tag rows/s (%.2f s for %d events, %d rows in all tables, %.2f s in INSERTs;"
                        + " CPU: sink %.2f s, ClickHouse %.2f s), clickhouse-client %.0f rows/s (%.2f s; TabSeparated"
                        + " %.0f rows/s, %.2f s)%n",
                        counted ? "round " + (sinkRates.size() + 1) : "warm-up " + warmups, 2.0 * events / sinkSeconds,
                        sinkSeconds, events, 3L * events, insertSeconds, sinkCpu, clickHouseCpu, 2.0 * events / clientSeconds,
                        clientSeconds, 2.0 * events / tsvSeconds, tsvSeconds);
                System.out.println("  sink CPU by thread: " + CpuTime.describe(threadsBegan, threadsEnded));
                double compilerSeconds = (threadsEnded.getOrDefault(CpuTime.JIT_THREADS, 0L)
                        - threadsBegan.getOrDefault(CpuTime.JIT_THREADS, 0L)) / 1e9;
                settled = compilerSeconds < sinkCpu / 10;
                if (Double.isNaN(coldRate)) {
                    coldRate = 2.0 * events / sinkSeconds;
                }
                if (counted) {
                    sinkRates.add(2.0 * events / sinkSeconds);
                    ceilingRates.add(2.0 * events / clientSeconds);
                    tsvRates.add(2.0 * events / tsvSeconds);
                }
            }
        }
        double sink = EdgeBench.median(sinkRates);
        double ceiling = EdgeBench.median(ceilingRates);
        System.out.printf("%-34s %14s %14s %8s%n", "benchmark", "probr", "reference", "ratio");
        System.out.printf("%-34s %14.0f %14.0f %7.0f%%%n", "sink tag_executions rows/s", sink, ceiling, 100 * sink / ceiling);
        System.out.printf("%-34s %14.0f %14s %7.0f%%   (%d warm-up round(s) before the counted ones)%n",
                "  first round, cold JIT", coldRate, "", 100 * coldRate / ceiling, warmups);
        double tsv = EdgeBench.median(tsvRates);
        System.out.printf("%-34s %14.0f %14.0f %7.0f%%   (clickhouse-client from TabSeparated)%n",
                "  against the earlier reference", sink, tsv, 100 * sink / tsv);
    }

    private static String container(int event) {
        return "GTM-SINKBENCH" + (event % 6);
    }

    /** The tag_executions rows of the events {@link #perEvent} wrote. */
    private static List<Rows.TagExecutionRow> tagRows(UUID[] ingestIds, long firstTimestampMs) {
        List<Rows.TagExecutionRow> rows = new ArrayList<>();
        for (int i = 0; i < ingestIds.length; i++) {
            long timestampMs = firstTimestampMs + i / 10;
            rows.add(new Rows.TagExecutionRow(ingestIds[i], 0, container(i), "purchase", timestampMs, "GA4 - Event", "15",
                    "GA4 - Event", TagStatus.SUCCESS, 120L));
            rows.add(new Rows.TagExecutionRow(ingestIds[i], 1, container(i), "purchase", timestampMs, "Meta CAPI", "22",
                    "Meta CAPI", TagStatus.FAILURE, 5000L));
        }
        return rows;
    }

    /** The rows as TabSeparated, in the columns' order (the bench's values need no escaping). */
    private static String tabSeparated(List<Rows.TagExecutionRow> rows) {
        StringBuilder tsv = new StringBuilder();
        for (Rows.TagExecutionRow r : rows) {
            tsv.append(r.ingestId()).append('\t').append(r.tagIndex()).append('\t').append(r.containerId()).append('\t')
                    .append(r.eventName()).append('\t').append(r.timestampMs()).append('\t').append(r.tag()).append('\t')
                    .append(r.tagId()).append('\t').append(r.tagName()).append('\t').append(r.status().wireName())
                    .append('\t').append(r.executionMs()).append('\n');
        }
        return tsv.toString();
    }

    /** Times clickhouse-client inserting a file into a fresh copy of probr.tag_executions; deletes the file. */
    private static double clientInsertSeconds(ClickHouseHttp clickHouse, String tcpPort, String format, Path file)
            throws Exception {
        clickHouse.query("CREATE DATABASE IF NOT EXISTS probr_bench");
        clickHouse.query("DROP TABLE IF EXISTS probr_bench.tag_executions");
        clickHouse.query("CREATE TABLE probr_bench.tag_executions AS probr.tag_executions");
        mergesSettled(clickHouse);
        long began = System.nanoTime();
        Process client = new ProcessBuilder("clickhouse-client", "--port", tcpPort, "--query",
                "INSERT INTO probr_bench.tag_executions (" + String.join(", ", ProbrTables.TAG_EXECUTIONS.columnNames())
                        + ") FORMAT " + format)
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        if (!client.waitFor(10, TimeUnit.MINUTES) || client.exitValue() != 0) {
            throw new IllegalStateException("clickhouse-client failed: "
                    + new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        Files.delete(file);
        clickHouse.query("DROP TABLE probr_bench.tag_executions");
        return seconds;
    }

    /** The sink's settings: this machine's PROBR_SINK_* variables (batch size...), then the bench's own. */
    private static Map<String, String> sinkEnv(String bootstrap, String clickHouseUrl, String group) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("PROBR_SINK_")) {
                env.put(name, value);
            }
        });
        env.putAll(Map.of("PROBR_KAFKA_BOOTSTRAP", bootstrap, "PROBR_CLICKHOUSE_URL", clickHouseUrl,
                "PROBR_SINK_GROUP_ID", group, "PROBR_SINK_HOST", "127.0.0.1", "PROBR_SINK_PORT", "0"));
        return env;
    }

    /**
     * Waits (up to a minute) for ClickHouse to finish merging what the previous phase inserted, so neither the
     * sink nor clickhouse-client is timed while paying for the other's parts.
     */
    private static void mergesSettled(ClickHouseHttp clickHouse) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!clickHouse.query("SELECT count() FROM system.merges").strip().equals("0") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** One value from the sink's own Prometheus endpoint. */
    private static double metric(int port, String name) throws Exception {
        String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line ->
                Double.parseDouble(line.substring(name.length() + 1))).findFirst().orElse(Double.NaN);
    }

    private static ProducerRecord<byte[], byte[]> perEvent(String container, long timestampMs, UUID ingestId) {
        String json = "{\"container_id\":\"" + container + "\",\"event_name\":\"purchase\",\"timestamp_ms\":" + timestampMs
                + ",\"tags\":[{\"id\":\"15\",\"name\":\"GA4 - Event\",\"status\":\"success\",\"execution_time\":120},"
                + "{\"id\":\"22\",\"name\":\"Meta CAPI\",\"status\":\"failure\",\"execution_time\":5000}],"
                + "\"user_data\":{\"has_email\":true,\"has_phone\":false,\"has_first_name\":true,\"has_last_name\":true,"
                + "\"has_city\":false,\"has_country\":true},\"ecommerce\":{\"has_value\":true,\"has_currency\":true,"
                + "\"has_transaction_id\":true,\"has_items\":true}}";
        return new IngestMetadata(ingestId, timestampMs, "pk_bench", "bench")
                .record(Topic.EVENTS, container, json.getBytes(StandardCharsets.UTF_8));
    }
}
