package io.probr.schemas.runtime;

import io.javalin.config.JavalinConfig;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Javalin server (edge, control API) listens: plain HTTP, or HTTPS with the certificate of a
 * {@link TlsSettings} reloaded when its files change; and the {@link Limits} that keep slow or idle clients
 * from holding connections and threads. A replaced certificate that cannot be read is logged and the current one
 * kept, so a half-written renewal never takes the server down.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    /**
     * {@code maxConnections}: beyond it new connections wait in the kernel's backlog until one closes;
     * {@code idleTimeoutMs}: a connection that sends nothing (between requests, or in the middle of its headers
     * or body) for this long is closed. (A minimum body rate is the edge's own, in its body reader: Jetty's
     * counts from the request's arrival and refuses small bodies a busy server reads late.)
     */
    public record Limits(int maxConnections, long idleTimeoutMs) {
        public static Limits fromEnv(EnvVars env, String prefix) {
            return new Limits(env.integer(prefix + "MAX_CONNECTIONS", 4096, 1, 1_000_000),
                    env.number(prefix + "IDLE_TIMEOUT_MS", 15_000, 100, 3_600_000));
        }
    }

    private final Optional<TlsSettings> tls;
    private final Limits limits;
    private final SslContextFactory.Server ssl;
    private final ScheduledExecutorService watcher;
    private volatile String loadedVersion;

    /** Reads the certificate now, if any, so a bad file stops the start with its reason. */
    public HttpListener(Optional<TlsSettings> tls, Limits limits) throws Exception {
        this.tls = tls;
        this.limits = limits;
        if (tls.isEmpty()) {
            ssl = null;
            watcher = null;
            return;
        }
        ssl = new SslContextFactory.Server();
        loadedVersion = tls.get().version();
        ssl.setKeyStore(tls.get().load());
        ssl.setKeyStorePassword(tls.get().keyStorePassword());
        ssl.setKeyManagerPassword(tls.get().keyStorePassword());
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long every = tls.get().reloadCheckMs();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** Makes the Javalin server listen on {@code host:port} this way, in place of its default connector. */
    public void addTo(JavalinConfig config, String host, int port) {
        config.jetty.addConnector((server, http) -> connector(server, http, host, port));
    }

    private ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        HttpConfiguration configuration = new HttpConfiguration(http);
        configuration.setIdleTimeout(limits.idleTimeoutMs());
        ServerConnector connector;
        if (ssl == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(configuration));
        } else {
            configuration.addCustomizer(new SecureRequestCustomizer(false)); // SNI checks off: one certificate
            connector = new ServerConnector(server, ssl, new HttpConnectionFactory(configuration));
        }
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeoutMs());
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        return connector;
    }

    void reloadIfChanged() {
        String version = tls.get().version();
        if (version.equals(loadedVersion)) {
            return;
        }
        try {
            var store = tls.get().load();
            ssl.reload(factory -> factory.setKeyStore(store));
            loadedVersion = version;
            log.info("TLS certificate reloaded from {}", tls.get().files());
        } catch (Exception e) {
            log.warn("TLS certificate in {} changed but cannot be read ({}); still serving the previous one",
                    tls.get().files(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return tls.map(TlsSettings::toString).orElse("tls=off") + ", " + limits;
    }
}
