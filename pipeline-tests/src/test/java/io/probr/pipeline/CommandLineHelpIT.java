package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command answers {@code -h}/{@code --help} with its usage on stdout and status 0 without doing
 * anything; an unknown command or argument exits 2 with the usage on stderr. Runs the real {@code ./probr}
 * and the packaged jars (built by the modules before this one).
 */
class CommandLineHelpIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Run(int status, String out, String err) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("probr-cli", ".out");
        Path err = Files.createTempFile("probr-cli", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running after 60 s: " + command);
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> probr(String args) {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("probr").toString()));
        if (!args.isBlank()) {
            command.addAll(List.of(args.split(" ")));
        }
        return command;
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help", "up --help", "down --help", "status -h", "test --help",
            "bench --help", "replay --help", "replay -h", "key --help", "key create --help", "key revoke -h",
            "key site --help", "key import --help", "admin-token --help", "admin-token create --help"})
    void everyProbrCommandAnswersHelpOnStdoutWithStatusZero(String args) throws Exception {
        Run run = run(probr(args));
        assertEquals(0, run.status(), () -> args + ": " + run.err());
        assertTrue(run.out().toLowerCase().contains("probr"), run.out());
        assertTrue(run.out().lines().count() >= 1, run.out());
        assertEquals("", run.err(), "stderr of " + args);
        assertTrue(!run.out().contains("\u001b["), "terminal escapes in " + args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"frobnicate", "up now", "bench everything", "replay --from 1 --force",
            "key site --site shop --enabled flase", "key rotate", "admin-token create --admin"})
    void anUnknownCommandOrArgumentExitsTwoWithTheUsageOnStderr(String args) throws Exception {
        Run run = run(probr(args));
        assertEquals(2, run.status(), () -> args + ": " + run.out() + run.err());
        assertTrue(run.err().toLowerCase().contains("usage") || run.err().contains("./probr"), run.err());
        assertEquals("", run.out(), "stdout of " + args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api/target/ingest-api.jar", "stream-aggregator/target/stream-aggregator.jar",
            "clickhouse-sink/target/clickhouse-sink.jar", "control-api/target/control-api.jar", "alerting/target/alerting.jar"})
    void everyServiceAnswersHelpAndRefusesArguments(String jar) throws Exception {
        Run help = run(List.of("java", "-jar", jar, "--help"));
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().startsWith("Usage: java -jar "), help.out());
        Run unknown = run(List.of("java", "-jar", jar, "--port", "9"));
        assertEquals(2, unknown.status(), unknown.err());
        assertTrue(unknown.err().contains("unknown argument --port"), unknown.err());
    }
}
