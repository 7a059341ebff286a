package io.probr.schemas.runtime;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty HTTPS connector for the Javalin servers (edge, control API) serving the certificate of a
 * {@link TlsSettings}, and reloading it when its files change. A replacement that cannot be read is logged and
 * the current certificate kept, so a half-written renewal never takes the server down.
 */
public final class HttpsConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpsConnector.class);

    private final TlsSettings tls;
    private final SslContextFactory.Server ssl = new SslContextFactory.Server();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tls-reload");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String loadedVersion;

    /** Reads the certificate now, so a bad file stops the start with its reason. */
    public HttpsConnector(TlsSettings tls) throws Exception {
        this.tls = tls;
        loadedVersion = tls.version();
        ssl.setKeyStore(tls.load());
        ssl.setKeyStorePassword(tls.keyStorePassword());
        ssl.setKeyManagerPassword(tls.keyStorePassword());
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, tls.reloadCheckMs(), tls.reloadCheckMs(), TimeUnit.MILLISECONDS);
    }

    /** Makes the Javalin server listen with HTTPS on {@code host:port}, in place of plain HTTP. */
    public void addTo(JavalinConfig config, String host, int port) {
        config.jetty.addConnector((server, http) -> connector(server, http, host, port));
    }

    private ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false)); // SNI checks off: one certificate, any host name
        ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    void reloadIfChanged() {
        String version = tls.version();
        if (version.equals(loadedVersion)) {
            return;
        }
        try {
            var store = tls.load();
            ssl.reload(factory -> factory.setKeyStore(store));
            loadedVersion = version;
            log.info("TLS certificate reloaded from {}", tls.files());
        } catch (Exception e) {
            log.warn("TLS certificate in {} changed but cannot be read ({}); still serving the previous one",
                    tls.files(), e.getMessage());
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
