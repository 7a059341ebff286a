package io.probr.ingest.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers whether the edge has started (its topics set up, its warm-up over) and the broker is reachable now,
 * within {@code timeoutMs}.
 */
public final class KafkaReadiness implements AutoCloseable {
    private final Admin admin;
    private final int timeoutMs;
    private volatile boolean started;

    public KafkaReadiness(Admin admin, int timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** The topics exist, the producer knows their partitions, and the warm-up is over. */
    public void started() {
        started = true;
    }

    public boolean hasStarted() {
        return started;
    }

    public boolean isReady() {
        if (!started) {
            return false;
        }
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
    }
}
