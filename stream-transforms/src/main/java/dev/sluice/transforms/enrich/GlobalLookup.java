package dev.sluice.transforms.enrich;

import dev.sluice.transforms.row.Fields;
import io.micrometer.core.instrument.Counter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * {@link Enrichment.Mode#GLOBAL}: every instance reads the whole dimension topic into global store
 * {@code <name>-dimension}, keyed by the dimension key's text (a {@code __deleted} row removes it); each fact
 * looks up its current dimension row where it is, with no repartition of the facts. Facts are not re-emitted
 * when the dimension changes. For small dimensions (countries, categories). The store is filled through the
 * same re-keying on restore, so it holds the same keys after a restart.
 */
final class GlobalLookup {

    private GlobalLookup() {
    }

    static KStream<GenericRecord, GenericRecord> apply(StreamsBuilder builder, KStream<GenericRecord, GenericRecord> facts,
                                                       String name, Enrichment enrichment,
                                                       Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde,
                                                       Counter quarantined) {
        String store = name + "-dimension";
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                        valueSerde).withLoggingDisabled(),
                enrichment.dimensionTopic(),
                Consumed.with(keySerde, valueSerde).withName(name + "-dimension-source"),
                () -> new DimensionLoader(name, enrichment, store));
        DimensionColumns columns = new DimensionColumns(name, enrichment);
        return facts.processValues(() -> new FixedKeyProcessor<GenericRecord, GenericRecord, GenericRecord>() {
            private FixedKeyProcessorContext<GenericRecord, GenericRecord> context;
            private KeyValueStore<String, GenericRecord> dimension;

            @Override
            public void init(FixedKeyProcessorContext<GenericRecord, GenericRecord> context) {
                this.context = context;
                this.dimension = context.getStateStore(store);
            }

            @Override
            public void process(FixedKeyRecord<GenericRecord, GenericRecord> fact) {
                String key = Fields.text(fact.value(), enrichment.foreignKey(), name);
                GenericRecord row = key == null ? null : dimension.get(key);
                if (row == null) {
                    quarantined.increment();
                    MissingDimension.mark(fact.headers(), name, enrichment, key, null);
                    context.forward(fact);
                } else {
                    context.forward(fact.withValue(columns.join(fact.value(), row)));
                }
            }
        }, Named.as(name));
    }

    /** Keeps the global store keyed by the dimension key's text. */
    private static final class DimensionLoader implements Processor<GenericRecord, GenericRecord, Void, Void> {
        private final String step;
        private final Enrichment enrichment;
        private final String storeName;
        private KeyValueStore<String, GenericRecord> store;

        DimensionLoader(String step, Enrichment enrichment, String storeName) {
            this.step = step;
            this.enrichment = enrichment;
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<GenericRecord, GenericRecord> record) {
            if (record.value() == null) {
                return; // a tombstone follows the __deleted row, which already removed the key
            }
            String key = Fields.text(record.value(), enrichment.dimensionKey(), step);
            if (EnrichStep.deleted(record.value())) {
                store.delete(key);
            } else {
                store.put(key, record.value());
            }
        }
    }
}
