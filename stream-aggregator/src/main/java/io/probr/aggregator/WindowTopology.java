package io.probr.aggregator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.probr.aggregator.metrics.AggregatorMetrics;
import io.probr.schemas.payload.PayloadValidator;
import io.probr.schemas.payload.ProbrJson;
import io.probr.schemas.topic.Topic;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code probr.events.v1 → WindowProcessor → probr.windows.v1 | probr.dlq.v1}. The input is keyed by
 * container id already (the edge does it), so windows aggregate per container without a repartition.
 * Main and the tests both build the topology and the configuration here.
 */
public final class WindowTopology {
    static final String SOURCE = "per-event-source";
    static final String PROCESSOR = "window-processor";
    static final String WINDOWS_SINK = "windows-sink";
    static final String DLQ_SINK = "dlq-sink";
    public static final String OPEN_WINDOWS_STORE = "open-windows";
    public static final String STREAM_TIME_STORE = "stream-time";

    private WindowTopology() {
    }

    public static Topology build(AggregatorConfig config, AggregatorMetrics metrics) {
        PayloadValidator validator = new PayloadValidator();
        Topology topology = new Topology();
        topology.addSource(AutoOffsetReset.earliest(), SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                Topic.EVENTS.topicName());
        // Map keys sorted: the same window always serialises to the same bytes, on every re-run.
        ObjectMapper mapper = ProbrJson.newMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        topology.addProcessor(PROCESSOR, () -> new WindowProcessor(config.windows(), config.timeRule(),
                config.wallClockTickMs(), validator, mapper, metrics), SOURCE);
        // Cached: a window changed by many events in one commit interval reaches its changelog once, not per event.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(OPEN_WINDOWS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(ChangelogTopics.CONFIG),
                PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STREAM_TIME_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled().withLoggingEnabled(ChangelogTopics.CONFIG),
                PROCESSOR);
        topology.addSink(WINDOWS_SINK, Topic.WINDOWS.topicName(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR);
        topology.addSink(DLQ_SINK, Topic.DLQ.topicName(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }

    public static Properties streamsConfig(AggregatorConfig config) {
        Properties props = config.kafka().clientProperties();   // bootstrap and security, for every inner client
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // No global stores here; set to Kafka 5.0's default, which also stops a warning at every start.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.kafka().topicReplication());
        props.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), Topic.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.producerPrefix("max.request.size"), Topic.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        props.putAll(config.streamsOverrides());
        return props;
    }
}
