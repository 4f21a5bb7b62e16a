package dev.sluice.transforms.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * Output a record cannot take: a value the serializer rejects (the registry refuses its schema) or a record
 * too large for the broker goes to the DLQ and processing goes on. Every other send error keeps Kafka's
 * default answer (retry when retriable, else fail), since it is about the cluster, not about the record.
 */
public final class DlqProductionHandler implements ProductionExceptionHandler {

    private final DefaultProductionExceptionHandler kafka = new DefaultProductionExceptionHandler();
    private String pipeline = "";

    @Override
    public void configure(Map<String, ?> configs) {
        kafka.configure(configs);
        pipeline = DeadLetters.pipelineOf(configs);
        DeadLetters.count(pipeline, "production");
        DeadLetters.count(pipeline, "serialization");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        Response builtIn = kafka.handleError(context, record, exception);
        if (exception instanceof RecordTooLargeException) {
            return Response.resume(DeadLetters.tag(builtIn.deadLetterQueueRecords(), pipeline, "production"));
        }
        return builtIn;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (RegistryOutage.isOutage(exception)) {
            RegistryOutage outage = RegistryOutage.of(pipeline);
            outage.down(exception);
            outage.backOff();
            return Response.fail(); // not a bad record: the thread is replaced and retries (RegistryOutage)
        }
        Response builtIn = kafka.handleSerializationError(context, record, exception, origin);
        return Response.resume(DeadLetters.tag(builtIn.deadLetterQueueRecords(), pipeline, "serialization"));
    }
}
