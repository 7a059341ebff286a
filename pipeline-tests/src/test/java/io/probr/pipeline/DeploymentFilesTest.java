package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What an operator gets from docker-compose.yml on day one: every service restarted, with rotated logs, a memory
 * limit and a health check (in compose or in its image), the broker the tests run against, the control API
 * reading ClickHouse as the read-only user, and a Grafana dashboard and alert rules over metrics that exist.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyServiceIsRestartedRotatesItsLogsAndHasAMemoryLimitAndAHealthCheck() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        List<String> missing = new ArrayList<>();
        services().forEach((name, service) -> {
            if (!"unless-stopped".equals(service.get("restart"))) {
                missing.add(name + ": restart");
            }
            if (!(service.get("logging") instanceof Map<?, ?> logging && logging.get("options") instanceof Map<?, ?> options
                    && options.containsKey("max-size") && options.containsKey("max-file"))) {
                missing.add(name + ": log rotation");
            }
            if (service.get("mem_limit") == null) {
                missing.add(name + ": mem_limit");
            }
            if (!service.containsKey("healthcheck") && !(service.get("build") instanceof Map<?, ?> build
                    && healthCheckOf(dockerfile, (String) build.get("target")))) {
                missing.add(name + ": health check");
            }
        });
        assertEquals(List.of(), missing);
    }

    @Test
    void theBrokerImageIsTheVersionTheTestsRunAgainst() throws IOException {
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(version.find());
        assertEquals("apache/kafka:" + version.group(1), services().get("kafka").get("image"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theControlApiReadsClickHouseAsTheReadOnlyUser() throws IOException {
        Map<String, Object> api = (Map<String, Object>) services().get("api").get("environment");
        assertEquals("probr_reader", api.get("PROBR_API_CLICKHOUSE_USER"));
        String users = Files.readString(ROOT.resolve("deploy/clickhouse/probr-reader.xml"));
        assertTrue(users.contains("<readonly>2</readonly>") && users.contains("<probr_reader>"), users);
        assertTrue(((List<String>) services().get("clickhouse").get("volumes")).stream()
                .anyMatch(v -> v.startsWith("./deploy/clickhouse/probr-reader.xml:/etc/clickhouse-server/users.d/")));
    }

    @Test
    void theGrafanaDashboardAndTheAlertRulesUseOnlyMetricsTheServicesExport() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/probr-dashboard.json").toFile());
        StringBuilder queries = new StringBuilder(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml")));
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "panel ids are unique");
            assertTrue(panel.get("targets").size() > 0, panel.get("title").asText());
            panel.get("targets").forEach(target -> queries.append('\n').append(target.get("expr").asText()));
        }
        String sources = mainSources();
        Set<String> unknown = new TreeSet<>();
        Matcher metric = Pattern.compile("probr_[a-z_]+").matcher(queries);
        while (metric.find()) {
            String name = metric.group().replaceAll("_(bucket|count|sum)$", "");
            if (!sources.contains('"' + name + '"')) {
                unknown.add(name);
            }
        }
        assertEquals(Set.of(), unknown, "metrics no service registers");
        assertTrue(queries.toString().contains("probr_sink_consumer_lag") && ids.size() >= 10);
    }

    /** Every main Java source of every module, concatenated: where metric names are registered. */
    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path sources : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        all.append(Files.readString(file));
                    }
                }
            }
        }
        return all.toString();
    }

    /** Whether the Dockerfile stage {@code target} declares a HEALTHCHECK. */
    private static boolean healthCheckOf(String dockerfile, String target) {
        int start = dockerfile.indexOf(" AS " + target + "\n");
        if (start < 0) {
            return false;
        }
        int next = dockerfile.indexOf("\nFROM ", start);
        return dockerfile.substring(start, next < 0 ? dockerfile.length() : next).contains("\nHEALTHCHECK ");
    }
}
