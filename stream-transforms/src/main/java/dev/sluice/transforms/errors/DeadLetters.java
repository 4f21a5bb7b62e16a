package dev.sluice.transforms.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The dead-letter policy of a pipeline: a record that cannot be deserialized, processed or serialized goes
 * to {@code <pipeline>.dlq} and processing goes on. It uses Kafka Streams' own dead-letter queue
 * ({@code errors.dead.letter.queue.topic.name}): Kafka's built-in handlers build the DLQ record (the source
 * record's raw key and value, headers {@code __streams.errors.exception}, {@code .message},
 * {@code .stacktrace}, {@code .topic}, {@code .partition}, {@code .offset}) and Streams writes it in the same
 * transaction as the task's output. Our handlers add {@link #HEADER_STAGE} and {@link #HEADER_PIPELINE} and
 * count each record in {@link #COUNTER} (tags {@code pipeline}, {@code stage}).
 */
public final class DeadLetters {

    /** Suffix of the DLQ topic: {@code <pipeline>.dlq}. */
    public static final String TOPIC_SUFFIX = ".dlq";
    public static final String COUNTER = "sluice.transforms.dlq";
    public static final String HEADER_STAGE = "sluice.errors.stage";
    public static final String HEADER_PIPELINE = "sluice.errors.pipeline";
    /** Streams config key our handlers read the pipeline name from (Streams passes unknown keys through). */
    public static final String PIPELINE_CONFIG = "sluice.pipeline";

    private DeadLetters() {
    }

    public static String topic(String pipeline) {
        return pipeline + TOPIC_SUFFIX;
    }

    /** The Streams settings that turn the policy on for {@code pipeline}. */
    public static Properties streamsConfig(String pipeline) {
        Properties props = new Properties();
        props.put(PIPELINE_CONFIG, pipeline);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic(pipeline));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProductionHandler.class);
        return props;
    }

    static String pipelineOf(Map<String, ?> configs) {
        Object pipeline = configs.get(PIPELINE_CONFIG);
        if (pipeline != null) {
            return pipeline.toString();
        }
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        return id == null ? "" : id.toString();
    }

    /**
     * The counter of one pipeline's dead letters from one stage, registered at zero when the handler is configured:
     * a rate over it (and an alert on it growing) has a series before the first dead letter.
     */
    static Counter count(String pipeline, String stage) {
        return Metrics.counter(COUNTER, "pipeline", pipeline, "stage", stage);
    }

    /** Adds our headers to the DLQ records Kafka's handler built, and counts them. */
    static List<ProducerRecord<byte[], byte[]>> tag(List<ProducerRecord<byte[], byte[]>> records, String pipeline,
                                                   String stage) {
        for (ProducerRecord<byte[], byte[]> record : records) {
            record.headers().add(HEADER_STAGE, stage.getBytes(StandardCharsets.UTF_8));
            record.headers().add(HEADER_PIPELINE, pipeline.getBytes(StandardCharsets.UTF_8));
        }
        count(pipeline, stage).increment();
        return records;
    }
}
