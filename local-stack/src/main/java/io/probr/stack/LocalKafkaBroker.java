package io.probr.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) run as a child JVM from the
 * Kafka jars on Maven Central. It gets its own classpath because the broker's Scala and Jackson versions
 * must never meet a service's. Data lives under {@code dir}, so a stopped broker restarts with its topics.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final String CLASSPATH_RESOURCE = "/kafka-broker.classpath";
    private static final String READY_LINE = "Kafka Server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final SaslListener sasl;
    private Process process;

    /** A listener that takes SASL/PLAIN logins, as a secured cluster does; the others stay plaintext. */
    public record SaslListener(int port, String user, String password) {
        /** The client settings that log in, as {@code PROBR_KAFKA_CLIENT_*} variables. */
        public Map<String, String> clientEnv() {
            return Map.of("PROBR_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "PROBR_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN",
                    "PROBR_KAFKA_CLIENT_SASL_JAAS_CONFIG", jaas(user, password));
        }

        static String jaas(String user, String password) {
            return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }
    }

    public LocalKafkaBroker(Path dir, int port, int controllerPort) {
        this(dir, port, controllerPort, null);
    }

    private LocalKafkaBroker(Path dir, int port, int controllerPort, SaslListener sasl) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.sasl = sasl;
    }

    /** A broker on two free loopback ports. */
    public static LocalKafkaBroker onFreePorts(Path dir) {
        return new LocalKafkaBroker(dir, freePort(), freePort());
    }

    /** A broker on free ports with, besides the plaintext listener, a SASL_PLAINTEXT one for {@code user}. */
    public static LocalKafkaBroker withSaslListener(Path dir, String user, String password) {
        return new LocalKafkaBroker(dir, freePort(), freePort(), new SaslListener(freePort(), user, password));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL listener, if this broker has one. */
    public SaslListener sasl() {
        return sasl;
    }

    public String saslBootstrapServers() {
        return "127.0.0.1:" + sasl.port();
    }

    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Formats the storage on first use, starts the broker and returns once it accepts clients. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        Files.createDirectories(dir);
        Path config = writeConfig();
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(config);
        }
        long logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
        process = new ProcessBuilder(javaCommand("kafka.Kafka", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        awaitReady(logOffset);
    }

    /** Blocks until the broker process ends; for launchers that run it in the foreground. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Orderly shutdown (SIGTERM), waiting for the process to end. */
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

    private void end(boolean forcibly) throws InterruptedException {
        ProcessEnd.end(process, forcibly, 30);
        process = null;
    }

    private Path writeConfig() throws IOException {
        String saslListener = sasl == null ? "" : ",SASL://127.0.0.1:" + sasl.port();
        String saslSettings = sasl == null ? "" : String.join("\n",
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_" + sasl.user() + "=\"" + sasl.password() + "\";");
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + saslListener,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + saslListener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT",
                saslSettings,
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                // exactly_once_v2 on a single broker needs these at 1
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // agrees with Topic.MAX_MESSAGE_BYTES in schemas: a 1 MiB body plus headers must fit
                "message.max.bytes=2097152",
                "replica.fetch.max.bytes=2097152",
                "");
        Path file = dir.resolve("server.properties");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        return file;
    }

    private void format(Path config) throws IOException, InterruptedException {
        Process formatter = new ProcessBuilder(javaCommand("kafka.tools.StorageTool",
                "format", "-t", newClusterId(), "-c", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
            formatter.destroyForcibly();
            throw new IOException("formatting Kafka storage failed; see " + logFile());
        }
    }

    private void awaitReady(long logOffset) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("Kafka broker exited with " + process.exitValue() + "; see " + logFile());
            }
            if (logContainsSince(logOffset, READY_LINE)) {
                return;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("Kafka broker not ready after " + START_TIMEOUT + "; see " + logFile());
    }

    private boolean logContainsSince(long offset, String needle) throws IOException {
        try (InputStream in = Files.newInputStream(logFile())) {
            in.skipNBytes(Math.min(offset, Files.size(logFile())));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(needle);
        }
    }

    private List<String> javaCommand(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // Timestamped lines, and GC pauses in a file of their own as Kafka's own scripts do: what it takes to
        // line the broker up with a client's timeouts
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Xlog:gc:file=" + dir.resolve("gc.log") + ":time,uptime:filecount=2,filesize=10m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ", "-cp", brokerClasspath(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IOException(CLASSPATH_RESOURCE + " missing: build local-stack with Maven first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /** Kafka cluster ids are 16 random bytes in URL-safe base64; Kafka refuses ids starting with '-'. */
    private static String newClusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
