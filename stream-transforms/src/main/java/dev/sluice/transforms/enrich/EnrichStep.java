package dev.sluice.transforms.enrich;

import dev.sluice.transforms.divert.Divert;
import dev.sluice.transforms.expect.ExpectStep;
import dev.sluice.transforms.row.Fields;
import io.micrometer.core.instrument.Counter;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import java.util.Set;

/**
 * The {@code enrich} step, in one of three modes ({@link Enrichment.Mode}): {@code join: foreign-key} (default,
 * below), {@code join: global} ({@link GlobalLookup}) and {@code join: temporal} ({@link TemporalJoin}).
 *
 * <p>Foreign key: a table-table join of the fact rows with a dimension table built from the dimension's row
 * topic. The latest row per fact key is joined with the latest row of its dimension; when
 * the dimension row changes, every fact pointing at it is emitted again with the new values (Kafka Streams'
 * foreign-key join). The output row is the fact row plus the chosen dimension columns (renamed, optional).
 *
 * <p>Inner join: a fact whose dimension is unknown is held back until the dimension arrives. A fact that leaves
 * the join (a {@code __deleted} fact, or its dimension row deleted) goes out once more as its last enriched row
 * with {@code __deleted = true} ({@link LeftJoinRows}), so an aggregate retracts it and the warehouse marks it
 * deleted, as an SQL inner join over the source would drop it. Keys stay the fact keys. The dimension is re-keyed by {@code dimensionKey}'s text
 * through repartition topic {@code <name>-dimension}; state stores {@code <name>-facts},
 * {@code <name>-dimension}, {@code <name>-joined}, {@code <name>-last}.
 */
public final class EnrichStep {

    private EnrichStep() {
    }

    /**
     * Adds the join of {@code enrichment.mode()}; facts a lookup join cannot enrich go to {@code quarantineTopic}
     * (see {@link MissingDimension}).
     */
    public static KStream<GenericRecord, GenericRecord> apply(StreamsBuilder builder,
                                                              KStream<GenericRecord, GenericRecord> facts, String name,
                                                              Enrichment enrichment, Serde<GenericRecord> keySerde,
                                                              Serde<GenericRecord> valueSerde, Counter quarantined,
                                                              String quarantineTopic) {
        if (enrichment.mode() == Enrichment.Mode.FOREIGN_KEY) {
            return foreignKeyJoin(builder, facts, name, enrichment, keySerde, valueSerde);
        }
        KStream<GenericRecord, GenericRecord> joined = enrichment.mode() == Enrichment.Mode.GLOBAL
                ? GlobalLookup.apply(builder, facts, name, enrichment, keySerde, valueSerde, quarantined)
                : TemporalJoin.apply(builder, facts, name, enrichment, keySerde, valueSerde, quarantined);
        return Divert.byHeader(joined, ExpectStep.HEADER_RULE, name + "-quarantine", quarantineTopic,
                Produced.with(keySerde, valueSerde), true);
    }

    private static KStream<GenericRecord, GenericRecord> foreignKeyJoin(
            StreamsBuilder builder, KStream<GenericRecord, GenericRecord> facts, String name, Enrichment enrichment,
            Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde) {
        KTable<String, GenericRecord> dimension = builder
                .stream(enrichment.dimensionTopic(),
                        Consumed.with(keySerde, valueSerde).withName(name + "-dimension-source"))
                .filter((key, row) -> row != null, Named.as(name + "-dimension-skip-tombstones"))
                .selectKey((key, row) -> Fields.text(row, enrichment.dimensionKey(), name),
                        Named.as(name + "-dimension-key"))
                // a deleted dimension row leaves the table (null = delete in a table)
                .mapValues(row -> deleted(row) ? null : row, Named.as(name + "-dimension-deletes"))
                .repartition(Repartitioned.<String, GenericRecord>as(name + "-dimension")
                        .withKeySerde(Serdes.String()).withValueSerde(valueSerde))
                .toTable(Named.as(name + "-dimension-table"),
                        Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-dimension")
                                .withKeySerde(Serdes.String()).withValueSerde(valueSerde));
        // a deleted fact leaves the fact table, so the join says it is gone (see LeftJoinRows)
        KTable<GenericRecord, GenericRecord> factTable = facts
                .mapValues(row -> deleted(row) ? null : row, Named.as(name + "-facts-deletes"))
                .toTable(Named.as(name + "-facts-table"),
                Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-facts")
                        .withKeySerde(keySerde).withValueSerde(valueSerde));
        DimensionColumns joiner = new DimensionColumns(name, enrichment);
        return factTable.join(dimension, fact -> Fields.text(fact, enrichment.foreignKey(), name), joiner::join,
                        TableJoined.as(name),
                        Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-joined")
                                .withKeySerde(keySerde).withValueSerde(valueSerde))
                .toStream(Named.as(name + "-changes"))
                .process(new ProcessorSupplier<GenericRecord, GenericRecord, GenericRecord, GenericRecord>() {
                    @Override
                    public Processor<GenericRecord, GenericRecord, GenericRecord, GenericRecord> get() {
                        return new LeftJoinRows(name + "-last");
                    }

                    @Override
                    public Set<StoreBuilder<?>> stores() {
                        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name + "-last"),
                                keySerde, valueSerde));
                    }
                }, Named.as(name + "-removals"));
    }

    static boolean deleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

}
