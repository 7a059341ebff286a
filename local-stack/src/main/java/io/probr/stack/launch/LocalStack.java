package io.probr.stack.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The local stack with no Docker ({@code ./probr up|down|status}): Kafka (KRaft), ClickHouse and the five Probr
 * services as real processes on loopback, state under {@code PROBR_HOME}. {@code up} starts whatever is not
 * running, in order, each once the one before is ready; {@code down} stops every process each service started.
 */
public final class LocalStack {
    /** One service: how to start it, how to tell it is ready, what {@code status} says of it. */
    private record Service(String name, String portVariable, List<Integer> ports, List<String> command,
            Map<String, String> environment, Duration readyWithin, BooleanSupplier ready, String whenReady,
            String whenNotReady) {
    }

    private final StackSettings settings;
    private final PrintStream out;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final List<Service> services;

    public LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.services = services(settings);
    }

    private List<Service> services(StackSettings s) {
        String stackClasses = s.root().resolve("local-stack/target/classes").toString();
        String kafka = s.kafkaBootstrap();
        String clickHouse = s.clickHouseUrl();
        String log = s.logs().toString();
        // local webhook receivers live on loopback: allowed here, refused by default
        return List.of(
                new Service("kafka", "PROBR_KAFKA_PORT", List.of(s.kafkaPort(), s.kafkaControllerPort()),
                        List.of(java, "-Xmx64m", "-cp", stackClasses, "io.probr.stack.LocalKafkaMain",
                                s.state().resolve("kafka").toString(), Integer.toString(s.kafkaPort()),
                                Integer.toString(s.kafkaControllerPort())),
                        Map.of(), Duration.ofSeconds(120), () -> Readiness.kafkaAnswers(kafka), null, null),
                new Service("clickhouse", "PROBR_CLICKHOUSE_HTTP_PORT", List.of(s.clickHouseHttpPort(), s.clickHouseTcpPort()),
                        List.of(java, "-Xmx32m", "-cp", stackClasses, "io.probr.stack.LocalClickHouseMain",
                                s.state().resolve("clickhouse").toString(), Integer.toString(s.clickHouseHttpPort()),
                                Integer.toString(s.clickHouseTcpPort())),
                        Map.of(), Duration.ofSeconds(90), () -> Readiness.answers(clickHouse + "/ping", null), null, null),
                new Service("edge", "PROBR_EDGE_PORT", List.of(s.edgePort()), service("ingest-api"),
                        Map.of("PROBR_EDGE_HOST", s.host(), "PROBR_EDGE_PORT", Integer.toString(s.edgePort()),
                                "PROBR_KAFKA_BOOTSTRAP", kafka, "PROBR_KEYS_FILE", keysFile().toString()),
                        Duration.ofSeconds(120), ready(s.edgePort()), "ready at " + s.url(s.edgePort()),
                        "not ready (Kafka unreachable?)"),
                new Service("aggregator", "PROBR_AGGREGATOR_PORT", List.of(s.aggregatorPort()), service("stream-aggregator"),
                        Map.of("PROBR_KAFKA_BOOTSTRAP", kafka, "PROBR_AGGREGATOR_STATE_DIR", s.state().resolve("aggregator").toString(),
                                "PROBR_AGGREGATOR_HOST", s.host(), "PROBR_AGGREGATOR_PORT", Integer.toString(s.aggregatorPort())),
                        // ready once RUNNING with its stores restored
                        Duration.ofSeconds(180), ready(s.aggregatorPort()), "ready (windowing)",
                        "not ready (restoring its stores, or Kafka unreachable; see " + log + "/aggregator.log)"),
                new Service("sink", "PROBR_SINK_PORT", List.of(s.sinkPort()), service("clickhouse-sink"),
                        Map.of("PROBR_KAFKA_BOOTSTRAP", kafka, "PROBR_CLICKHOUSE_URL", clickHouse,
                                "PROBR_SINK_HOST", s.host(), "PROBR_SINK_PORT", Integer.toString(s.sinkPort())),
                        Duration.ofSeconds(90), ready(s.sinkPort()), "ready (writing to ClickHouse)",
                        "not ready (ClickHouse unreachable? it retries; see " + log + "/sink.log)"),
                new Service("api", "PROBR_API_PORT", List.of(s.apiPort()), service("control-api"),
                        Map.of("PROBR_KAFKA_BOOTSTRAP", kafka, "PROBR_CLICKHOUSE_URL", clickHouse, "PROBR_API_HOST", s.host(),
                                "PROBR_API_PORT", Integer.toString(s.apiPort()), "PROBR_WEBHOOK_ALLOW_PRIVATE", "true"),
                        Duration.ofSeconds(90), ready(s.apiPort()), "ready at " + s.url(s.apiPort()) + "/v1",
                        "not ready (Kafka unreachable? see " + log + "/api.log)"),
                new Service("alerting", "PROBR_ALERTING_PORT", List.of(s.alertingPort()), service("alerting"),
                        Map.of("PROBR_KAFKA_BOOTSTRAP", kafka, "PROBR_CLICKHOUSE_URL", clickHouse,
                                "PROBR_ALERTING_HOST", s.host(), "PROBR_ALERTING_PORT", Integer.toString(s.alertingPort()),
                                "PROBR_ALERTING_STATE_DIR", s.state().resolve("alerting").toString(),
                                "PROBR_WEBHOOK_ALLOW_PRIVATE", "true"),
                        Duration.ofSeconds(120), ready(s.alertingPort()), "ready (evaluating, delivering)",
                        "not ready (see " + log + "/alerting.log)"));
    }

    private List<String> service(String module) {
        return List.of(java, "-Xmx256m", "-jar", settings.jar(module).toString());
    }

    private BooleanSupplier ready(int port) {
        return () -> Readiness.answers(settings.url(port) + "/readyz", null);
    }

    private Path keysFile() {
        return settings.state().resolve("keys.json");
    }

    private ServiceProcess process(String name) {
        return new ServiceProcess(name, settings.state().resolve("run"));
    }

    /** Starts what is not running, stopping first what a service whose first process died left behind. */
    public void up() throws IOException, InterruptedException {
        long started = System.nanoTime();
        for (Service service : services) {
            ServiceProcess process = process(service.name());
            if (process.leftBehind()) {
                out.println(service.name() + ": its first process had died; stopping what it left running");
                process.stop();
            }
        }
        for (Service service : services) {
            ServiceProcess process = process(service.name());
            if (!process.running()) {
                start(service, process);
            }
            if (service.name().equals("clickhouse")) {
                demoKey();
            } else if (service.name().equals("api")) {
                adminToken();
            }
        }
        Map<String, String> where = new LinkedHashMap<>();
        where.put("edge", settings.url(settings.edgePort()));
        where.put("api", settings.url(settings.apiPort()));
        where.put("dashboard", settings.url(settings.apiPort()) + "/");
        where.put("kafka", settings.kafkaBootstrap());
        where.put("clickhouse", settings.clickHouseUrl());
        where.put("aggregator", settings.url(settings.aggregatorPort()) + "/metrics");
        where.put("sink", settings.url(settings.sinkPort()) + "/metrics");
        where.put("alerting", settings.url(settings.alertingPort()) + "/metrics");
        where.put("ingest key", Files.readString(settings.state().resolve("demo.key")).strip());
        where.put("admin token", Files.readString(settings.state().resolve("admin.token")).strip());
        where.forEach((name, value) -> out.println(name + ": " + value));
        out.println("ready in " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; logs in "
                + settings.logs() + ", stop with ./probr down");
    }

    private void start(Service service, ServiceProcess process) throws IOException, InterruptedException {
        for (int port : service.ports()) {
            if (!Readiness.portFree(settings.host(), port)) {
                throw new StackException("port " + port + " is taken; set " + (port == service.ports().get(0)
                        ? service.portVariable() : otherPortVariable(service)));
            }
        }
        Path log = settings.logs().resolve(service.name() + ".log");
        process.start(service.command(), service.environment(), log);
        long deadline = System.nanoTime() + service.readyWithin().toNanos();
        while (!service.ready().getAsBoolean()) {
            if (!process.running()) {
                throw new StackException(service.name() + " exited during start; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(service.name() + " not ready after " + service.readyWithin().toSeconds()
                        + "s; see " + log);
            }
            Thread.sleep(200);
        }
    }

    private static String otherPortVariable(Service service) {
        return service.name().equals("kafka") ? "PROBR_KAFKA_CONTROLLER_PORT" : "PROBR_CLICKHOUSE_TCP_PORT";
    }

    /** The local demo key may post for any container; kept in clear only in this local state directory. */
    private void demoKey() throws IOException, InterruptedException {
        key("demo.key", "--site", "local-demo", "--label", "local demo key");
    }

    /**
     * A key of the key file, made once with {@code ./probr key create}'s options and kept in clear in
     * {@code PROBR_HOME/FILE_NAME} (local state only); returns its secret.
     */
    public String key(String fileName, String... createOptions) throws IOException, InterruptedException {
        Path file = settings.state().resolve(fileName);
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            List<String> command = new ArrayList<>(List.of("-cp", settings.jar("ingest-api").toString(),
                    "io.probr.ingest.auth.KeyCli", "create", "--file", keysFile().toString()));
            command.addAll(List.of(createOptions));
            runToFile(file, Map.of(), command.toArray(String[]::new));
        }
        return Files.readString(file).strip();
    }

    /** The local admin token, kept in clear only here; made again when the topic lost it. */
    private void adminToken() throws IOException, InterruptedException {
        Path file = settings.state().resolve("admin.token");
        if (Files.isRegularFile(file) && Readiness.answers(settings.url(settings.apiPort()) + "/v1/sites",
                Files.readString(file).strip())) {
            return;
        }
        runToFile(file, Map.of("PROBR_KAFKA_BOOTSTRAP", settings.kafkaBootstrap()), "-cp",
                settings.jar("control-api").toString(), "io.probr.control.cli.AdminTokenCli", "create",
                "--label", "local admin token");
    }

    /** Runs a Java CLI with its standard output into {@code file}, readable by its owner only. */
    private void runToFile(Path file, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(file.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        if (builder.start().waitFor() != 0 || Files.size(file) == 0) {
            Files.deleteIfExists(file);
            throw new StackException("could not create " + file.getFileName() + " (" + String.join(" ", arguments) + ")");
        }
    }

    /** Stops every service, the last started first. */
    public void down() throws IOException, InterruptedException {
        List<Service> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        for (Service service : reversed) {
            stop(service.name());
        }
    }

    /** Stops one service and everything it started. */
    public void stop(String name) throws IOException, InterruptedException {
        if (process(name).stop()) {
            out.println(name + ": stopped");
        }
    }

    public boolean running(String name) {
        return process(name).running();
    }

    /** The service answers its readiness check. */
    public boolean ready(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name)).ready().getAsBoolean();
    }

    /** Prints what runs and what is ready; true when anything runs. */
    public boolean status() {
        boolean any = false;
        for (Service service : services) {
            ServiceProcess process = process(service.name());
            if (process.running()) {
                out.println(service.name() + ": running (pid " + process.pid().orElseThrow() + ")");
                any = true;
            } else if (process.leftBehind()) {
                out.println(service.name() + ": stopped, but " + process.leftovers().size() + " process(es) it started"
                        + " still run (./probr up restarts it, ./probr down stops them)");
            } else {
                out.println(service.name() + ": stopped");
            }
        }
        for (Service service : services) {
            if (service.whenReady() != null && process(service.name()).running()) {
                out.println(service.name() + ": " + (service.ready().getAsBoolean() ? service.whenReady()
                        : service.whenNotReady()));
            }
        }
        return any;
    }
}
