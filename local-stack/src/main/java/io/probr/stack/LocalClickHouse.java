package io.probr.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real ClickHouse server (Debian's {@code clickhouse-server}) run as a child process with a
 * project-local config: its own data directory and ports, loopback only, a {@code default} user without
 * password. Data lives under {@code dir}, so a stopped server restarts with its tables.
 */
public final class LocalClickHouse implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> BINARIES = List.of("/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server");

    private final Path dir;
    private final int httpPort;
    private final int tcpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    public LocalClickHouse(Path dir, int httpPort, int tcpPort) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
    }

    public static LocalClickHouse onFreePorts(Path dir) {
        return new LocalClickHouse(dir, LocalKafkaBroker.freePort(), LocalKafkaBroker.freePort());
    }

    /** The HTTP interface, e.g. {@code http://127.0.0.1:8123}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Path logFile() {
        return dir.resolve("log/server.log");
    }

    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        for (String sub : List.of("data", "tmp", "user_files", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("users.xml"), USERS, StandardCharsets.UTF_8);
        Path config = dir.resolve("config.xml");
        Files.writeString(config, config(), StandardCharsets.UTF_8);
        process = new ProcessBuilder(serverBinary(), "--config-file=" + config)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/stdout.log").toFile()))
                .start();
        awaitReady();
    }

    /** Blocks until the server ends; for launchers that run it in the foreground. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Orderly shutdown (SIGTERM). */
    public synchronized void stop() throws InterruptedException {
        end(false);
    }

    /** Abrupt end (SIGKILL), as in a crash. */
    public synchronized void kill() throws InterruptedException {
        end(true);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Whether the server answers its HTTP {@code /ping}. */
    public boolean isReady() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void end(boolean forcibly) throws InterruptedException {
        ProcessEnd.end(process, forcibly, 60);
        process = null;
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("clickhouse-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("log"));
            }
            if (isReady()) {
                return;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("clickhouse-server not ready after " + START_TIMEOUT + "; see " + dir.resolve("log"));
    }

    private static String serverBinary() throws IOException {
        String configured = System.getenv("PROBR_CLICKHOUSE_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : BINARIES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IOException("clickhouse-server not found: install it with "
                + "'apt-get install clickhouse-server clickhouse-client' or set PROBR_CLICKHOUSE_SERVER");
    }

    // <yandex> is the root element 18.16 requires; current releases still accept it.
    private String config() {
        return """
                <yandex>
                  <logger>
                    <level>warning</level>
                    <log>%1$s/log/server.log</log>
                    <errorlog>%1$s/log/error.log</errorlog>
                    <console>0</console>
                  </logger>
                  <http_port>%2$d</http_port>
                  <tcp_port>%3$d</tcp_port>
                  <listen_host>127.0.0.1</listen_host>
                  <path>%1$s/data/</path>
                  <tmp_path>%1$s/tmp/</tmp_path>
                  <user_files_path>%1$s/user_files/</user_files_path>
                  <users_config>users.xml</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <timezone>UTC</timezone>
                  <mark_cache_size>268435456</mark_cache_size>
                  <max_concurrent_queries>100</max_concurrent_queries>
                </yandex>
                """.formatted(dir.toAbsolutePath(), httpPort, tcpPort);
    }

    private static final String USERS = """
            <yandex>
              <profiles>
                <default><max_memory_usage>4000000000</max_memory_usage><log_queries>1</log_queries></default>
                <probr_reader><readonly>2</readonly><max_memory_usage>4000000000</max_memory_usage></probr_reader>
              </profiles>
              <users>
                <default>
                  <password></password>
                  <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
                  <profile>default</profile>
                  <quota>default</quota>
                </default>
                <!-- as deploy/clickhouse/probr-reader.xml, without a password: the control API's reads -->
                <probr_reader>
                  <password></password>
                  <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
                  <profile>probr_reader</profile>
                  <quota>default</quota>
                  <allow_databases><database>probr</database></allow_databases>
                </probr_reader>
              </users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
                <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """;
}
