package io.probr.stack.launch;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack ({@code ./probr up}) keeps its state and listens, read once from the environment:
 * {@code PROBR_HOME} (default {@code ROOT/.probr}) and one {@code PROBR_*_PORT} variable per listener.
 */
public record StackSettings(Path root, Path state, String host, int kafkaPort, int kafkaControllerPort,
        int clickHouseHttpPort, int clickHouseTcpPort, int edgePort, int aggregatorPort, int sinkPort, int apiPort,
        int alertingPort) {

    public static StackSettings fromEnv(Path root, Map<String, String> env) {
        String home = env.get("PROBR_HOME");
        return new StackSettings(root, home == null || home.isBlank() ? root.resolve(".probr") : Path.of(home),
                "127.0.0.1",
                port(env, "PROBR_KAFKA_PORT", 9092), port(env, "PROBR_KAFKA_CONTROLLER_PORT", 9093),
                port(env, "PROBR_CLICKHOUSE_HTTP_PORT", 8123), port(env, "PROBR_CLICKHOUSE_TCP_PORT", 9000),
                port(env, "PROBR_EDGE_PORT", 8080), port(env, "PROBR_AGGREGATOR_PORT", 8083),
                port(env, "PROBR_SINK_PORT", 8082), port(env, "PROBR_API_PORT", 8081),
                port(env, "PROBR_ALERTING_PORT", 8084));
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StackException(name + " must be a port number (1-65535), not '" + value + "'");
    }

    /** A service's packaged jar: {@code MODULE/target/MODULE.jar}. */
    public Path jar(String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }

    public String kafkaBootstrap() {
        return host + ":" + kafkaPort;
    }

    public String clickHouseUrl() {
        return "http://" + host + ":" + clickHouseHttpPort;
    }

    public String url(int port) {
        return "http://" + host + ":" + port;
    }

    public Path logs() {
        return state.resolve("logs");
    }
}
