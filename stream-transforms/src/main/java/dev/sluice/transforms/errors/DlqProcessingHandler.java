package dev.sluice.transforms.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record a step fails on (an envelope that breaks the change-topic contract, a value a mask cannot handle)
 * goes to the DLQ with the <em>source</em> record's raw bytes and the error in headers; processing goes on.
 * See {@link DeadLetters}.
 */
public final class DlqProcessingHandler implements ProcessingExceptionHandler {

    private final LogAndContinueProcessingExceptionHandler kafka = new LogAndContinueProcessingExceptionHandler();
    private String pipeline = "";

    @Override
    public void configure(Map<String, ?> configs) {
        kafka.configure(configs);
        pipeline = DeadLetters.pipelineOf(configs);
        DeadLetters.count(pipeline, "processing");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response builtIn = kafka.handleError(context, record, exception);
        return Response.resume(DeadLetters.tag(builtIn.deadLetterQueueRecords(), pipeline, "processing"));
    }
}
