package io.probr.schemas;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics when they are missing, with the message size every hop agrees on. */
public final class TopicSetup {
    private TopicSetup() {
    }

    public static void ensure(Admin admin, Collection<Topic> topics, int partitions, short replication,
                              long timeoutMs) throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> wanted = topics.stream()
                .map(t -> new NewTopic(t.topicName(), partitions, replication)
                        .configs(Map.of("max.message.bytes", Integer.toString(Topic.MAX_MESSAGE_BYTES))))
                .toList();
        for (var result : admin.createTopics(wanted).values().values()) {
            try {
                result.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
