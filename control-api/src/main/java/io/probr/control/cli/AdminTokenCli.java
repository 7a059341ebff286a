package io.probr.control.cli;

import io.probr.control.config.Tokens;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.runtime.CommandLines;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./probr admin-token create}: makes a token for the {@code /v1} API straight in the configuration topic
 * (the first token cannot come from the API) and prints it once. Exit status: 0 done, 1 failed, 2 bad arguments.
 */
@Command(name = "probr admin-token", usageHelpWidth = 110, subcommands = AdminTokenCli.Create.class,
        description = "Manages admin tokens of the control API. Kafka: PROBR_KAFKA_BOOTSTRAP and PROBR_KAFKA_CLIENT_*.")
public final class AdminTokenCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.run(new AdminTokenCli(), args, out, err);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: create");
    }

    @Command(name = "create", sortOptions = false, description = "Creates a token and prints it once on stdout.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        private boolean help;
        @Option(names = "--label", paramLabel = "TEXT", description = "a note for people")
        private String label;
        @Option(names = "--read-only", description = "the token may read but not write")
        private boolean readOnly;

        @Override
        public Integer call() throws Exception {
            KafkaSettings kafka = KafkaSettings.fromEnv(new EnvVars(System.getenv()));
            try (Admin admin = kafka.admin(Map.of())) {
                TopicSetup.ensure(admin, List.of(Topic.CONFIG), kafka, 30_000);
            }
            try (ConfigView view = ConfigView.load(kafka, "probr-admin-token-cli", Duration.ofSeconds(30));
                 ConfigWriter writer = new ConfigWriter(kafka, view)) {
                Map<String, Object> token = new Tokens(view, writer, Clock.systemUTC()).create(label, readOnly);
                spec.commandLine().getErr().println("admin token " + token.get("id") + (readOnly ? " (read-only)" : "")
                        + " created; it is shown only once:");
                spec.commandLine().getOut().println(token.get("token"));
                return 0;
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            }
        }
    }
}
