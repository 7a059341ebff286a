package io.probr.control;

import io.javalin.Javalin;
import io.probr.control.clickhouse.AlertHistory;
import io.probr.control.clickhouse.Analytics;
import io.probr.control.clickhouse.ClickHouseReader;
import io.probr.control.clickhouse.Events;
import io.probr.control.clickhouse.KeyUsage;
import io.probr.control.clickhouse.Reports;
import io.probr.control.config.Keys;
import io.probr.control.config.Sites;
import io.probr.control.config.Tokens;
import io.probr.control.config.Triggers;
import io.probr.control.config.Webhooks;
import io.probr.control.http.ApiServer;
import io.probr.control.http.Reads;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.runtime.HttpListener;
import io.probr.schemas.runtime.ServiceArguments;
import io.probr.schemas.runtime.TopicSetup;
import io.probr.schemas.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The control API process: configuration topic → view and writer → HTTP server; closed in reverse order. */
public final class ControlApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlApp.class);

    private final ConfigView view;
    private final ConfigWriter writer;
    private final HttpListener listener;
    private final Javalin server;

    public ControlApp(ControlConfig config) throws Exception {
        log.info("starting control API with {}", config);
        try (Admin admin = config.kafka().admin(Map.of())) {
            TopicSetup.ensure(admin, List.of(Topic.CONFIG), config.kafka(), 60_000);
        }
        view = ConfigView.load(config.kafka(), "probr-control-api", Duration.ofSeconds(60));
        writer = new ConfigWriter(config.kafka(), view);
        Clock clock = Clock.systemUTC();
        ClickHouseReader clickHouse = new ClickHouseReader(config.clickHouseUrl(), config.clickHouseUser(),
                config.clickHousePassword(), config.queryTimeoutSeconds(), config.maxResultRows(), ProbrJson.newMapper());
        Reads reads = new Reads(new Events(clickHouse), new Analytics(clickHouse, config.conversionEvents()),
                new Reports(clickHouse, config.maxReportRows()), new AlertHistory(clickHouse), clock,
                config.maxRangeDays());
        listener = new HttpListener(config.tls(), config.limits());
        server = ApiServer.create(new ApiServer.Dependencies(new Sites(view, writer, clock),
                new Keys(view, writer, clock, new KeyUsage(clickHouse, clock)::lastUsed), new Tokens(view, writer, clock),
                new Triggers(view, writer, clock),
                new Webhooks(view, writer, clock, config.webhooks().urls(), config.webhooks().call(clock)), reads,
                view::isLoaded,
                config.failedAuthBurst(), config.failedAuthRefillMs()),
                javalin -> listener.addTo(javalin, config.host(), config.port()));
        server.start(config.host(), config.port());
        log.info("control API listening on {}:{}", config.host(), server.port());
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        listener.close();
        writer.close();
        view.close();
    }

    public static void main(String[] args) throws Exception {
        ServiceArguments.exitUnlessStarting("control-api.jar",
                "The Probr control API: /v1 (sites, keys, tokens, events, analytics, reports), /healthz, /readyz.", args);
        ControlApp app = new ControlApp(ControlConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    }
}
