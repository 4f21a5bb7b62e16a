package dev.sluice.transforms.dedupe;

import org.apache.avro.generic.GenericRecord;

/**
 * The identity of a change event read from decoded records ({@link EventIds}, whose rules hold).
 */
@FunctionalInterface
public interface EventIdExtractor extends EventIds<GenericRecord, GenericRecord> {

    @Override
    byte[] eventId(String topic, GenericRecord key, GenericRecord value);
}
