package dev.sluice.transforms.dedupe;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The dedupe step (first version): drops a change event whose id ({@link EventIdExtractor}, by default
 * {@link ChangeEventId}) was already seen, and counts it.
 *
 * <p>Memory of seen ids lives in persistent RocksDB stores (changelogged, so it survives restarts and
 * moves with its task) and is purged by stream time: an id is kept while its event timestamp is no more
 * than {@code retention} behind the task's stream time.
 *
 * <p>After retention: a copy of an event whose timestamp is more than {@code retention} behind stream time
 * is <em>not</em> recognised and passes through. That is harmless for replication, because the sink writes
 * a row only when its {@code __version} is newer than the stored one, so a late copy of an old change
 * cannot move a row backwards. Steps that are not idempotent downstream (aggregates) use
 * {@link WindowedDedupe}, which routes such records to {@code <pipeline>.late} instead.
 *
 * <p>Processor and stores carry stable names ({@link #PROCESSOR}, {@link #SEEN_STORE}, {@link #EXPIRY_STORE})
 * so that their changelog topics stay the same across releases.
 */
public final class Dedupe {

    public static final String PROCESSOR = "dedupe";
    public static final String SEEN_STORE = "dedupe-seen";
    public static final String EXPIRY_STORE = "dedupe-expiry";
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    private static final Duration MIN_PURGE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_PURGE_INTERVAL = Duration.ofMinutes(1);

    private Dedupe() {
    }

    /** Adds the dedupe processor and its stores after {@code changes}; returns the deduplicated stream. */
    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> changes,
                                                              Duration retention, EventIdExtractor eventIds,
                                                              Counter duplicates) {
        return apply(changes, PROCESSOR, retention, eventIds, duplicates);
    }

    /**
     * As {@link #apply(KStream, Duration, EventIdExtractor, Counter)} under processor {@code name} with stores
     * {@code <name>-seen} and {@code <name>-expiry} (name {@code dedupe} gives the standard names).
     */
    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> changes,
                                                              String name, Duration retention,
                                                              EventIdExtractor eventIds, Counter duplicates) {
        return applyTo(changes, name, retention, eventIds, duplicates);
    }

    /**
     * As {@link #apply(KStream, String, Duration, EventIdExtractor, Counter)} for records of any form: the stores,
     * and so the ids remembered, are the same whatever form {@code eventIds} reads them from.
     */
    public static <K, V> KStream<K, V> applyTo(KStream<K, V> changes, String name, Duration retention,
                                             EventIds<? super K, ? super V> eventIds, Counter duplicates) {
        Objects.requireNonNull(eventIds, "eventIds");
        Objects.requireNonNull(duplicates, "duplicates");
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("Dedupe retention must be positive, got " + retention
                    + "; set it to how long a duplicate may trail the original (default 1h).");
        }
        Duration purgeInterval = clamp(retention.dividedBy(4));
        return changes.processValues(new Supplier<K, V>(name + "-seen", name + "-expiry", retention, purgeInterval, eventIds,
                duplicates), Named.as(name));
    }

    private static Duration clamp(Duration interval) {
        if (interval.compareTo(MIN_PURGE_INTERVAL) < 0) {
            return MIN_PURGE_INTERVAL;
        }
        return interval.compareTo(MAX_PURGE_INTERVAL) > 0 ? MAX_PURGE_INTERVAL : interval;
    }

    private record Supplier<K, V>(String seenStore, String expiryStore, Duration retention, Duration purgeInterval,
                                  EventIds<? super K, ? super V> eventIds, Counter duplicates)
            implements FixedKeyProcessorSupplier<K, V, V> {

        @Override
        public FixedKeyProcessor<K, V, V> get() {
            return new DedupeProcessor<>(seenStore, expiryStore, retention, purgeInterval, eventIds, duplicates);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(seenStore), Serdes.Bytes(),
                            Serdes.Long()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(expiryStore), Serdes.Bytes(),
                            Serdes.ByteArray()));
        }
    }
}
