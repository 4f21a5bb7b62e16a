package dev.sluice.transforms.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * A record whose key or value cannot be deserialized (bad bytes, unknown schema id) goes to the DLQ with its
 * raw bytes and the error in headers; processing goes on. See {@link DeadLetters}. A record that cannot be read
 * only because the Schema Registry does not answer is not bad: it waits ({@link RegistryOutage}).
 */
public final class DlqDeserializationHandler implements DeserializationExceptionHandler {

    private final LogAndContinueExceptionHandler kafka = new LogAndContinueExceptionHandler();
    private String pipeline = "";

    @Override
    public void configure(Map<String, ?> configs) {
        kafka.configure(configs);
        pipeline = DeadLetters.pipelineOf(configs);
        DeadLetters.count(pipeline, "deserialization");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (RegistryOutage.isOutage(exception)) {
            RegistryOutage outage = RegistryOutage.of(pipeline);
            outage.down(exception);
            outage.backOff();
            return Response.fail(); // the thread is replaced and reads this record again: see RegistryOutage
        }
        Response builtIn = kafka.handleError(context, record, exception);
        return Response.resume(DeadLetters.tag(builtIn.deadLetterQueueRecords(), pipeline, "deserialization"));
    }
}
