package dev.sluice.cli.http;

import dev.sluice.transforms.pipeline.CustomStep;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * A user's step with a bug: it throws an Error (which no exception handler takes) on the row whose {@code field}
 * equals {@code value}, so the stream thread running it dies, as it would of a StackOverflowError in user code.
 */
public final class DyingStep implements CustomStep {

    @Override
    public KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> input, Context context) {
        String field = context.config().get("field");
        String value = context.config().get("value");
        return input.peek((key, row) -> {
            if (row != null && value.equals(String.valueOf(row.get(field)))) {
                throw new AssertionError("the step " + context.name() + " cannot handle " + field + " = " + value);
            }
        }, Named.as(context.name()));
    }
}
