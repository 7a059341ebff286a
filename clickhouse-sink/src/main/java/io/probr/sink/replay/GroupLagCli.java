package io.probr.sink.replay;

import io.probr.sink.SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code probr group-lag GROUP...}: how far consumer groups are behind the ends of what they read, through the Admin
 * API (the benchmarks wait on it for the aggregator and the sink to catch up). Kafka settings: the sink's
 * environment variables. Exit status: 0 every group caught up, 1 one is behind or never committed, 2 bad arguments.
 */
@Command(name = "probr group-lag", usageHelpWidth = 110,
        description = "Prints how many records each consumer group has yet to commit past; 0 when all caught up.")
public final class GroupLagCli implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "GROUP", description = "consumer group ids")
    private List<String> groups;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GroupLagCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SinkConfig config = SinkConfig.fromEnv(System.getenv());
        Map<String, Object> timeouts = Map.of("request.timeout.ms", 10_000, "default.api.timeout.ms", 10_000);
        try (Admin admin = config.kafka().admin(timeouts)) {
            LiveGroups live = new LiveGroups(admin, "", "", Duration.ZERO, System.out);
            int status = 0;
            for (String group : groups) {
                long behind = live.behind(group);
                System.out.println(group + ": " + (behind < 0 ? "never committed" : behind + " behind"));
                status = behind == 0 ? status : 1;
            }
            return status;
        }
    }
}
