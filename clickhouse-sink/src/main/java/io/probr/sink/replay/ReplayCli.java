package io.probr.sink.replay;

import io.probr.schemas.PayloadValidator;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
            Replayer replayer = new Replayer(consumer, new RecordMapper(new PayloadValidator()), writer,
                    config.batchRows(), System.out);
            if (request.dryRun()) {
                replayer.dryRun(request);
                status = 0;
            } else if (!new ClickHouseHttp(config.clickHouseUrl(), config.clickHouseUser(), config.clickHousePassword())
                    .isReachable()) {
                System.err.println("replay: ClickHouse unreachable at " + config.clickHouseUrl() + " (PROBR_CLICKHOUSE_URL)");
                status = 1;
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
}
