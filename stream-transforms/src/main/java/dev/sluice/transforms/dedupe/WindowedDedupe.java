package dev.sluice.transforms.dedupe;

import dev.sluice.transforms.divert.Divert;
import io.micrometer.core.instrument.Counter;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The windowed, watermark-aware dedupe step. Per record, with its event time {@code t} (the record
 * timestamp), the task's stream time {@code S}, and watermark {@code W = S − allowed lateness}:
 * <ol>
 *   <li>an earlier record with the same event id and an event time in {@code [t − window, t + window]}
 *       (and not below {@code W − window}, the oldest id the store is guaranteed to hold) makes it a
 *       duplicate: dropped and counted;</li>
 *   <li>otherwise, if {@code t < W}, it is too late to be checked (a copy may have been forgotten): it goes
 *       to {@code <pipeline>.late} with the reason in header {@link #HEADER_LATE_REASON}, and is counted;</li>
 *   <li>otherwise it is the first copy: its id is remembered and it passes.</li>
 * </ol>
 * So a record is never dropped silently and never passed unchecked. Copies more than {@code window} apart in
 * event time are two events, both pass (for change events copies share their event time, so this does not
 * arise). Within the allowed lateness the outcome does not depend on arrival order: an out-of-order stream
 * gives the same set of passed events as the sorted one.
 *
 * <p>Ids live in a persistent RocksDB window store ({@code <name>-window}, changelogged) with retention
 * window + allowed lateness, purged segment by segment as stream time advances. Processor names:
 * {@code <name>}, {@code <name>-late}, {@code <name>-late-sink}, {@code <name>-late-pass}.
 */
public final class WindowedDedupe {

    public static final String HEADER_LATE_REASON = "sluice.late.reason";
    public static final String LATE_TOPIC_SUFFIX = ".late";

    private WindowedDedupe() {
    }

    public static String storeName(String name) {
        return name + "-window";
    }

    /**
     * Adds the step after {@code input}; late records go to {@code lateTopic}; returns the deduplicated stream.
     */
    public static <V extends GenericRecord> KStream<GenericRecord, V> apply(
            KStream<GenericRecord, V> input, String name, DedupeWindow window, EventIdExtractor eventIds,
            Counter duplicates, Counter late, String lateTopic, Produced<GenericRecord, V> lateProduced) {
        Objects.requireNonNull(eventIds, "eventIds");
        KStream<GenericRecord, V> checked =
                input.processValues(new Supplier<>(name, window, eventIds, duplicates, late), Named.as(name));
        return Divert.byHeader(checked, HEADER_LATE_REASON, name + "-late", lateTopic, lateProduced);
    }

    private record Supplier<V extends GenericRecord>(String name, DedupeWindow window, EventIdExtractor eventIds,
                                                     Counter duplicates, Counter late)
            implements FixedKeyProcessorSupplier<GenericRecord, V, V> {

        @Override
        public FixedKeyProcessor<GenericRecord, V, V> get() {
            return new WindowedDedupeProcessor<>(storeName(name), window, eventIds, duplicates, late);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(storeName(name), window.retention(), window.window(), false),
                    Serdes.Bytes(), Serdes.ByteArray()));
        }
    }
}
