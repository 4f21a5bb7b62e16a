package dev.sluice.transforms.enrich;

import dev.sluice.transforms.row.Fields;
import io.micrometer.core.instrument.Counter;
import dev.sluice.transforms.row.KeyedRow;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

/**
 * {@link Enrichment.Mode#TEMPORAL}: the dimension row as it was at the fact's time. The dimension topic becomes
 * a table in a versioned store ({@code <name>-dimension}, Kafka Streams' {@code persistentVersionedKeyValueStore},
 * keeping {@link Enrichment#history()} of versions), keyed by the dimension key's text, each version valid from
 * its record timestamp (the source commit time); a {@code __deleted} row ends its key's validity. Each fact is
 * re-keyed by its foreign key and looked up as of its own record timestamp (its commit time), which is Kafka
 * Streams' stream-table join over a versioned table. The answer depends only on the timestamps, not on when the
 * dimension change was read, so a replay gives the same rows. Facts are not re-emitted when the dimension later
 * changes (that is the point: the order keeps the address it shipped to).
 *
 * <p>Repartition topics {@code <name>-dimension} and {@code <name>-facts}; the fact key travels in the value
 * ({@link KeyedRow}) and is restored after the join.
 */
final class TemporalJoin {

    private TemporalJoin() {
    }

    static KStream<GenericRecord, GenericRecord> apply(StreamsBuilder builder, KStream<GenericRecord, GenericRecord> facts,
                                                       String name, Enrichment enrichment,
                                                       Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde,
                                                       Counter quarantined) {
        KTable<String, GenericRecord> dimension = builder
                .stream(enrichment.dimensionTopic(),
                        Consumed.with(keySerde, valueSerde).withName(name + "-dimension-source"))
                .filter((key, row) -> row != null, Named.as(name + "-dimension-skip-tombstones"))
                .selectKey((key, row) -> Fields.text(row, enrichment.dimensionKey(), name),
                        Named.as(name + "-dimension-key"))
                .mapValues(row -> EnrichStep.deleted(row) ? null : row, Named.as(name + "-dimension-deletes"))
                .repartition(Repartitioned.<String, GenericRecord>as(name + "-dimension")
                        .withKeySerde(Serdes.String()).withValueSerde(valueSerde))
                .toTable(Named.as(name + "-dimension-table"), Materialized.<String, GenericRecord>as(
                                Stores.persistentVersionedKeyValueStore(name + "-dimension", enrichment.history()))
                        .withKeySerde(Serdes.String()).withValueSerde(valueSerde));
        Serde<KeyedRow> keyedRows = KeyedRow.serde(keySerde, valueSerde);
        DimensionColumns columns = new DimensionColumns(name, enrichment);
        return facts
                .map((key, fact) -> KeyValue.pair(Fields.text(fact, enrichment.foreignKey(), name),
                        new KeyedRow(key, fact)), Named.as(name + "-fact-key"))
                .repartition(Repartitioned.<String, KeyedRow>as(name + "-facts").withKeySerde(Serdes.String())
                        .withValueSerde(keyedRows))
                .leftJoin(dimension, Lookup::new, Joined.<String, KeyedRow, GenericRecord>as(name + "-join")
                        .withKeySerde(Serdes.String()).withValueSerde(keyedRows).withOtherValueSerde(valueSerde)
                        .withGracePeriod(enrichment.grace()))
                .process(() -> new Restore(name, enrichment, columns, quarantined), Named.as(name));
    }

    private record Lookup(KeyedRow fact, GenericRecord dimension) {
    }

    /** Back under the fact key: the enriched row, or the fact marked for quarantine when no version matched. */
    private static final class Restore implements Processor<String, Lookup, GenericRecord, GenericRecord> {
        private final String step;
        private final Enrichment enrichment;
        private final DimensionColumns columns;
        private final Counter quarantined;
        private ProcessorContext<GenericRecord, GenericRecord> context;

        Restore(String step, Enrichment enrichment, DimensionColumns columns, Counter quarantined) {
            this.step = step;
            this.quarantined = quarantined;
            this.enrichment = enrichment;
            this.columns = columns;
        }

        @Override
        public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, Lookup> record) {
            KeyedRow fact = record.value().fact();
            GenericRecord dimension = record.value().dimension();
            Record<GenericRecord, GenericRecord> out = new Record<>(fact.key(), fact.row(), record.timestamp(),
                    record.headers());
            if (dimension == null) {
                quarantined.increment();
                MissingDimension.mark(out.headers(), step, enrichment, record.key(), record.timestamp());
                context.forward(out);
            } else {
                context.forward(out.withValue(columns.join(fact.row(), dimension)));
            }
        }
    }
}
