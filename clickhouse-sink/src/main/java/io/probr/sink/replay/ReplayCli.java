package io.probr.sink.replay;

import io.probr.schemas.payload.PayloadValidator;
import io.probr.sink.SinkApp;
import io.probr.sink.SinkConfig;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RecordMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.probr.schemas.runtime.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./probr replay}: the sink's configuration (same environment variables) plus {@link ReplayRequest}'s
 * arguments, parsed by picocli.
 */
@Command(name = "probr replay", sortOptions = false, usageHelpWidth = 110,
        description = {"Writes a time range of the topics to ClickHouse again (backfill, repair): rows already there"
                + " are replaced, not added.",
                "With --rebuild-windows, recomputes the windows whose start is in [--from, --to) from the events, with"
                + " PROBR_WINDOW_SIZE_MS, in place of the stream windows stored for that range.",
                "Records are kept PROBR_TOPIC_RETENTION_DAYS (default 7) days in the topics: that is how far back a replay"
                + " can go.",
                "Settings: the sink's environment variables (PROBR_KAFKA_BOOTSTRAP, PROBR_CLICKHOUSE_URL, ...)."},
        footerHeading = "%nExit status: ",
        footer = "0 done, 1 failed, 2 bad arguments, 3 nothing matched the container, 130 interrupted.")
public final class ReplayCli implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "TIME",
            description = "Unix milliseconds, an ISO instant (2026-11-23T08:00:00Z) or a UTC date (2026-11-23)")
    private String from;
    @Option(names = "--to", paramLabel = "TIME", description = "end of the range, excluded (default: now)")
    private String to;
    @Option(names = "--container", paramLabel = "GTM-XXX", description = "only this container (ids are case-sensitive)")
    private String container;
    @Option(names = "--what", paramLabel = "events|batches|windows|all", description = "which topics (default: all)")
    private String what;
    @Option(names = "--rebuild-windows", description = "recompute the windows of a range of event time from the events")
    private boolean rebuildWindows;
    @Option(names = "--dry-run", description = "show what would be read and replaced, change nothing")
    private boolean dryRun;
    @Spec
    private CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(CommandLines.run(new ReplayCli(), args, System.out, System.err));
    }

    /** What a command line asks for, or an {@link IllegalArgumentException} saying what is wrong with it. */
    static ReplayRequest parse(List<String> args, long nowMs) {
        ReplayCli cli = new ReplayCli();
        try {
            new CommandLine(cli).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return cli.request(nowMs);
    }

    private ReplayRequest request(long nowMs) {
        return ReplayRequest.of(from, to, container, what, rebuildWindows, dryRun, nowMs);
    }

    @Override
    public Integer call() {
        ReplayRequest request;
        try {
            request = request(System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
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
        return status;
    }

    private static int rebuildWindows(ReplayRequest request, SinkConfig config, KafkaConsumer<byte[], byte[]> consumer,
            ClickHouseHttp clickHouse, ClickHouseWriter writer, BooleanSupplier interrupted) throws Exception {
        if (!clickHouse.isReachable()) {
            return unreachable(config);
        }
        try (Admin admin = config.kafka().admin(Map.of())) {
            LiveGroups live = new LiveGroups(admin, config.aggregatorApplicationId(), config.groupId(),
                    Duration.ofSeconds(60), System.out);
            WindowRebuild rebuild = new WindowRebuild(consumer, new PayloadValidator(), config.timeRule(), clickHouse,
                    writer, live, config.windows(), config.batchRows(), System.out);
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
