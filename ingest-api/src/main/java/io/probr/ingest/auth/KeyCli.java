package io.probr.ingest.auth;

import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.KeyCodec;
import io.probr.schemas.runtime.CommandLines;
import io.probr.schemas.runtime.EnvVars;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./probr key}: manages the key file. {@code create} makes a key and prints it once (only its hash is
 * kept), {@code revoke} revokes one, {@code site} enables or disables a site. A running edge picks changes up
 * without a restart. {@code import} writes a key file's keys to {@code probr.config.v1}, where the control API
 * manages them. Exit status: 0 done, 1 failed, 2 bad arguments.
 */
@Command(name = "probr key", usageHelpWidth = 110,
        description = "Manages the ingestion keys of a key file; a running edge picks changes up without a restart.",
        subcommands = {KeyCli.Create.class, KeyCli.Revoke.class, KeyCli.Site.class, KeyCli.Import.class})
public final class KeyCli implements Runnable {
    @Spec
    private CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.run(new KeyCli(), args, out, err);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: create, revoke, site or import");
    }

    /** What every key command takes: the key file, and -h. */
    static final class KeyFileOptions {
        @Spec(Spec.Target.MIXEE)
        private CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        private boolean help;
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "the key file")
        private Path file;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    @Command(name = "create", sortOptions = false,
            description = "Creates a key and prints it once on stdout; the file keeps only its hash.")
    static final class Create implements Callable<Integer> {
        @Mixin
        private KeyFileOptions options;
        @Option(names = "--site", required = true, paramLabel = "SITE", description = "the site the key posts for")
        private String site;
        @Option(names = "--container", paramLabel = "GTM-XXX",
                description = "a container the key may post for (repeatable; default: any)")
        private List<String> containers;
        @Option(names = "--rate", paramLabel = "N", description = "requests per second (default: the edge's)")
        private Double rate;
        @Option(names = "--burst", paramLabel = "N", description = "burst size (default: the edge's)")
        private Integer burst;
        @Option(names = "--label", paramLabel = "TEXT", description = "a note for people")
        private String label;

        @Override
        public Integer call() throws Exception {
            String key = KeyCodec.forIngestKeys().newKey();
            String id = KeyCodec.forIngestKeys().idOf(key).orElseThrow();
            KeyFile.Entry entry = new KeyFile.Entry(id, HexFormat.of().formatHex(KeyCodec.sha256(key)), site, false,
                    containers, rate, burst, Instant.now().toString(), label);
            KeyFile.read(options.file).withKey(entry).write(options.file);
            options.err().println("key " + id + " created for site " + site + "; it is shown only once:");
            options.out().println(key);
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revokes a key: refused from then on.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        private KeyFileOptions options;
        @Option(names = "--id", required = true, paramLabel = "KEY_ID", description = "the key's public id")
        private String id;

        @Override
        public Integer call() throws Exception {
            KeyFile keys = KeyFile.read(options.file);
            if (keys.keys().stream().noneMatch(k -> k.id().equals(id))) {
                options.err().println("no key with id " + id + " in " + options.file);
                return 1;
            }
            keys.revoked(id).write(options.file);
            options.err().println("key " + id + " revoked");
            return 0;
        }
    }

    @Command(name = "site",
            description = "Enables or disables a site: the keys of a disabled site are refused (403).")
    static final class Site implements Callable<Integer> {
        @Mixin
        private KeyFileOptions options;
        @Option(names = "--site", required = true, paramLabel = "SITE", description = "the site")
        private String site;
        @Option(names = "--enabled", required = true, arity = "1", paramLabel = "true|false",
                description = "whether its keys are accepted")
        private boolean enabled;

        @Override
        public Integer call() throws Exception {
            KeyFile.read(options.file).withSite(site, enabled).write(options.file);
            options.err().println("site " + site + (enabled ? " enabled" : " disabled"));
            return 0;
        }
    }

    @Command(name = "import", description = {"Writes the file's sites and keys to the configuration topic once, for the "
            + "control API to manage (keys already there are left alone). Kafka: PROBR_KAFKA_BOOTSTRAP and "
            + "PROBR_KAFKA_CLIENT_*, as for the services."})
    static final class Import implements Callable<Integer> {
        @Mixin
        private KeyFileOptions options;

        @Override
        public Integer call() throws Exception {
            KeyFile file = KeyFile.read(options.file);
            KafkaSettings kafka = KafkaSettings.fromEnv(new EnvVars(System.getenv()));
            try (Admin admin = kafka.admin(Map.of())) {
                TopicSetup.ensure(admin, List.of(Topic.CONFIG), kafka, 30_000);
            }
            try (ConfigView view = ConfigView.load(kafka, "probr-key-import", Duration.ofSeconds(30));
                 ConfigWriter writer = new ConfigWriter(kafka, view)) {
                KeyImport.Result result = KeyImport.run(file, view, writer, Clock.systemUTC());
                options.err().println("imported " + result.keysCreated() + " keys and " + result.sitesCreated()
                        + " sites from " + options.file + "; " + result.keysAlreadyThere() + " keys were already there");
                return 0;
            } catch (IllegalStateException e) {
                options.err().println(e.getMessage());
                return 1;
            }
        }
    }
}
