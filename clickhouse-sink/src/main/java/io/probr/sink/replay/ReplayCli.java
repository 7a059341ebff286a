package io.probr.sink.replay;

import io.probr.schemas.EnvVars;
import io.probr.schemas.PayloadValidator;
import io.probr.schemas.WindowSpec;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code ./probr replay}: the sink's configuration (same environment variables) plus {@link ReplayRequest}'s
 * arguments. Exit status: 0 done, 1 failed, 2 bad arguments, 3 nothing matched the container, 130 interrupted.
 */
public final class ReplayCli {
    private ReplayCli() {
    }

    public static void main(String[] args) throws Exception {
        ReplayRequest request;
        try {
            request = ReplayRequest.parse(List.of(args), System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(ReplayRequest.USAGE);
            System.exit(2);
            return;
        }
        SinkConfig config = SinkConfig.fromEnv(System.getenv());
        // the sink's consumer settings, without a group: the replay assigns partitions and never commits
        Properties props = SinkApp.consumerProperties(config);
        props.remove("group.id");
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            interrupted.set(true);
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        int status;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
             ClickHouseWriter writer = new ClickHouseWriter(config.clickHouseUrl(), config.clickHouseUser(),
                     config.clickHousePassword())) {
            ClickHouseHttp clickHouse = new ClickHouseHttp(config.clickHouseUrl(), config.clickHouseUser(),
                    config.clickHousePassword());
            Replayer replayer = new Replayer(consumer, new RecordMapper(new PayloadValidator(), config.timeRule(),
                    System::currentTimeMillis), writer,
                    config.batchRows(), System.out);
            if (request.rebuildWindows()) {
                status = rebuildWindows(request, config, consumer, clickHouse, writer, interrupted::get);
            } else if (request.dryRun()) {
                replayer.dryRun(request);
                status = 0;
            } else if (!clickHouse.isReachable()) {
                status = unreachable(config);
            } else {
                Replayer.Summary summary = replayer.replay(request, interrupted::get);
                status = summary.interrupted() ? 130 : request.container() != null && summary.matched() == 0 ? 3 : 0;
            }
        } catch (Exception e) {
            System.err.println("replay failed: " + e.getMessage() + " (rows written so far are deduplicated;"
                    + " run the same command again once the cause is fixed)");
            status = 1;
        } finally {
            finished.countDown();
        }
        System.exit(status);
    }

    private static int rebuildWindows(ReplayRequest request, SinkConfig config, KafkaConsumer<byte[], byte[]> consumer,
            ClickHouseHttp clickHouse, ClickHouseWriter writer, BooleanSupplier interrupted) throws Exception {
        if (!clickHouse.isReachable()) {
            return unreachable(config);
        }
        EnvVars env = new EnvVars(System.getenv());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
            // the aggregator's own variable and default, so the rebuild waits for the group that really runs
            LiveGroups live = new LiveGroups(admin, env.get("PROBR_AGGREGATOR_APPLICATION_ID", "probr-aggregator"),
                    config.groupId(), Duration.ofSeconds(60), System.out);
            WindowRebuild rebuild = new WindowRebuild(consumer, new PayloadValidator(), config.timeRule(), clickHouse,
                    writer, live,
                    WindowSpec.fromEnv(env), config.batchRows(), System.out);
            try {
                if (request.dryRun()) {
                    rebuild.dryRun(request, System.currentTimeMillis());
                    return 0;
                }
                WindowRebuild.Summary summary = rebuild.rebuild(request, System.currentTimeMillis(), interrupted);
                return summary.interrupted() ? 130 : request.container() != null && summary.events() == 0 ? 3 : 0;
            } catch (IllegalArgumentException e) {
                System.err.println("replay: " + e.getMessage());
                return 2;
            }
        }
    }

    private static int unreachable(SinkConfig config) {
        System.err.println("replay: ClickHouse unreachable at " + config.clickHouseUrl() + " (PROBR_CLICKHOUSE_URL)");
        return 1;
    }
}
