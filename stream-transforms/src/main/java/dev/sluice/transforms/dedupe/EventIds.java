package dev.sluice.transforms.dedupe;

/**
 * The identity of a change event, for keys and values of any form (decoded records, or framed bytes): two records
 * with equal ids are the same event delivered twice. Deterministic, so that a replay deduplicates the same way.
 */
@FunctionalInterface
public interface EventIds<K, V> {

    /**
     * @param topic the record's source topic (ids of different topics must differ: a task's store is shared by
     *              every topic whose partition it processes)
     * @param key   the record key, may be null
     * @param value the record value, never null
     */
    byte[] eventId(String topic, K key, V value);
}
