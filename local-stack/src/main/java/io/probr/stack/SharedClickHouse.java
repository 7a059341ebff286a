package io.probr.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts one real ClickHouse server for the whole test run and injects it as a
 * {@link LocalClickHouse} parameter. Tests that stop or kill the server must start their own instead.
 */
public final class SharedClickHouse implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedClickHouse.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalClickHouse.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("clickhouse", key -> startServer(), Running.class)
                .server();
    }

    private static Running startServer() {
        try {
            Path dir = Files.createTempDirectory("probr-clickhouse-");
            LocalClickHouse server = LocalClickHouse.onFreePorts(dir);
            server.start();
            return new Running(server, dir);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the test ClickHouse server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test ClickHouse server", e);
        }
    }

    private record Running(LocalClickHouse server, Path dir) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            server.stop();
            TempDirectory.delete(dir);
        }
    }
}
