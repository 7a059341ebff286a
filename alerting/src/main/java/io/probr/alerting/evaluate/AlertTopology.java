package io.probr.alerting.evaluate;

import io.probr.alerting.AlertingConfig;
import io.probr.schemas.topic.Topic;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Windows and tag batches in, keyed by container; incident changes out to {@code probr.alerts.v1}. */
public final class AlertTopology {
    private AlertTopology() {
    }

    public static Topology build(TriggerSource config, long tickMs, LongSupplier wallClock) {
        Topology topology = new Topology();
        topology.addSource("windows", new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                Topic.WINDOWS.topicName(), Topic.BATCHES.topicName());
        topology.addProcessor("evaluate", () -> new AlertProcessor(config, tickMs, wallClock), "windows");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.WINDOW_STORE),
                Serdes.String(), Serdes.ByteArray()), "evaluate");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.CONTAINER_STORE),
                Serdes.String(), Serdes.ByteArray()), "evaluate");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.INCIDENT_STORE),
                Serdes.String(), Serdes.ByteArray()), "evaluate");
        topology.addSink("alerts", Topic.ALERTS.topicName(), new ByteArraySerializer(), new ByteArraySerializer(),
                "evaluate");
        return topology;
    }

    public static Properties streamsConfig(AlertingConfig config) {
        Properties props = config.kafka().clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.kafka().topicReplication());
        props.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), Topic.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "latest");
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.putAll(config.streamsOverrides());
        return props;
    }
}
