package dev.sluice.transforms.dedupe;

import org.apache.avro.generic.GenericRecord;

/**
 * Derives the identity of a change event: two records with equal ids are the same event delivered twice.
 * Implementations must be deterministic (equal inputs give equal bytes), so that a replay deduplicates
 * the same way.
 */
@FunctionalInterface
public interface EventIdExtractor {

    /**
     * @param topic the record's source topic (the dedupe store of a task is shared by every topic whose
     *              partition it processes, so ids of different topics must differ)
     * @param key   the record key, may be null
     * @param value the record value, never null
     */
    byte[] eventId(String topic, GenericRecord key, GenericRecord value);
}
