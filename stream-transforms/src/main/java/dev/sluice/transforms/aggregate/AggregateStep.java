package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.divert.Divert;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The {@code aggregate} step: tumbling or hopping windows over a change log, with retraction. The rows become a
 * table (latest row per key; a {@code __deleted} row removes its key), and each row counts in every window of
 * its time column and in its group. An update takes the old version out of its (window, group) and puts the new
 * one into its own, which may differ; a delete takes it out. So, within the allowed lateness, the aggregates
 * equal what SQL computes over the current source rows. Count, sum, avg, min and max (min/max keep the multiset
 * of values, so a removed extreme is forgotten correctly).
 *
 * <p>Emission ({@link Aggregation#emit()}): final rows when a window closes, or every update (optionally
 * rate-limited by wall clock for live dashboards). Windows close by the watermark, and on a quiet input by the
 * wall clock when {@link Aggregation#idleTimeout()} is set; see {@link WindowState}. Changes too late for their
 * window go to {@code <pipeline>.late}.
 *
 * <p>Processors {@code <name>-changes}, {@code <name>}, {@code <name>-late*}; repartition topic
 * {@code <name>-group}; stores {@code <name>-rows} (latest row per key) and {@code <name>-totals}.
 */
public final class AggregateStep {

    private AggregateStep() {
    }

    /** The key and value schemas of the step's output rows, known before any row (registered at start). */
    public static Map.Entry<Schema, Schema> outputSchemas(String name, Aggregation aggregation) {
        AggregateRows rows = new AggregateRows(name, aggregation);
        return Map.entry(rows.keySchema(), rows.valueSchema());
    }

    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> rows, String name,
                                                              Aggregation aggregation, Serde<GenericRecord> keySerde,
                                                              Serde<GenericRecord> valueSerde, Counter late,
                                                              String lateTopic) {
        String rowStore = name + "-rows";
        String totalsStore = name + "-totals";
        ProcessorSupplier<GenericRecord, GenericRecord, String, Delta> changes = new ProcessorSupplier<>() {
            @Override
            public RowChanges get() {
                return new RowChanges(name, aggregation, rowStore);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(rowStore), keySerde,
                        valueSerde));
            }
        };
        AggregateRows output = new AggregateRows(name, aggregation);
        ProcessorSupplier<String, Delta, GenericRecord, GenericRecord> windows = new ProcessorSupplier<>() {
            @Override
            public WindowState get() {
                return new WindowState(name, aggregation, totalsStore, output, late);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // no cache: this processor decides itself when a row goes out
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(totalsStore),
                        Serdes.String(), Accumulator.serde()).withCachingDisabled());
            }
        };
        KStream<GenericRecord, GenericRecord> results = rows
                .process(changes, Named.as(name + "-changes"))
                .repartition(Repartitioned.<String, Delta>as(name + "-group").withKeySerde(Serdes.String())
                        .withValueSerde(Delta.serde(keySerde, valueSerde)))
                .process(windows, Named.as(name));
        return Divert.byHeader(results, WindowState.HEADER_LATE_REASON, name + "-late", lateTopic,
                Produced.with(keySerde, valueSerde));
    }
}
