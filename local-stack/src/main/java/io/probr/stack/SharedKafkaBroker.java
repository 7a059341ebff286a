package io.probr.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts one real broker for the whole test run (started on first use, stopped
 * when the run ends) and injects it as a {@link LocalKafkaBroker} parameter. Tests that stop or kill a
 * broker must start their own instead.
 */
public final class SharedKafkaBroker implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafkaBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> startBroker(), Running.class)
                .broker();
    }

    private static Running startBroker() {
        try {
            Path dir = Files.createTempDirectory("probr-kafka-");
            LocalKafkaBroker broker = LocalKafkaBroker.onFreePorts(dir);
            broker.start();
            return new Running(broker, dir);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the test Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test Kafka broker", e);
        }
    }

    private record Running(LocalKafkaBroker broker, Path dir) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            broker.stop();
            TempDirectory.delete(dir);
        }
    }
}
