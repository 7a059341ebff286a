package io.probr.ingest.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Answers whether the edge's topics are set up and the broker is reachable now, within {@code timeoutMs}. */
public final class KafkaReadiness implements AutoCloseable {
    private final Admin admin;
    private final int timeoutMs;
    private volatile boolean topicsReady;

    public KafkaReadiness(Admin admin, int timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** The topics exist and the producer knows their partitions. */
    public void topicsReady() {
        topicsReady = true;
    }

    public boolean isReady() {
        if (!topicsReady) {
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
