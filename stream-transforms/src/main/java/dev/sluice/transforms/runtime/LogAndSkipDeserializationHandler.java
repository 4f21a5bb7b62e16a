package dev.sluice.transforms.runtime;

import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a record whose key or value cannot be deserialized (bad bytes, unknown schema id), logs where it
 * is and why, and counts it as {@code sluice.transforms.deserialization.errors}. Stop-gap until the DLQ:
 * the record is not lost from Kafka (it stays in its topic at the logged offset) but it is not replicated.
 */
public final class LogAndSkipDeserializationHandler implements DeserializationExceptionHandler {

    public static final String ERRORS = "sluice.transforms.deserialization.errors";

    private static final Logger LOG = LoggerFactory.getLogger(LogAndSkipDeserializationHandler.class);

    private String applicationId = "";

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        applicationId = id == null ? "" : id.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        LOG.warn("Skipping undeserializable record {}-{}@{} (application {}): {}", record.topic(), record.partition(),
                record.offset(), applicationId, exception.toString(), exception);
        Metrics.counter(ERRORS, "application", applicationId).increment();
        return Response.resume();
    }
}
