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
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code enrich} step, in one of three modes ({@link Enrichment.Mode}): {@code join: foreign-key} (default,
 * below), {@code join: global} ({@link GlobalLookup}) and {@code join: temporal} ({@link TemporalJoin}).
 *
 * <p>Foreign key: a table-table join of the fact rows with a dimension table built from the dimension's row
 * topic. The latest row per fact key is joined with the latest row of its dimension; when
 * the dimension row changes, every fact pointing at it is emitted again with the new values (Kafka Streams'
 * foreign-key join). The output row is the fact row plus the chosen dimension columns (renamed, optional).
 *
 * <p>Inner join: a fact whose dimension is unknown is held back until the dimension arrives; a dimension
 * delete ({@code __deleted}) removes it from the table, so its facts are not re-emitted and keep their last
 * enriched row downstream. Keys stay the fact keys. The dimension is re-keyed by {@code dimensionKey}'s text
 * through repartition topic {@code <name>-dimension}; state stores {@code <name>-facts},
 * {@code <name>-dimension}, {@code <name>-joined}.
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
                Produced.with(keySerde, valueSerde));
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
        KTable<GenericRecord, GenericRecord> factTable = facts.toTable(Named.as(name + "-facts-table"),
                Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-facts")
                        .withKeySerde(keySerde).withValueSerde(valueSerde));
        DimensionColumns joiner = new DimensionColumns(name, enrichment);
        return factTable.join(dimension, fact -> Fields.text(fact, enrichment.foreignKey(), name), joiner::join,
                        TableJoined.as(name),
                        Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-joined")
                                .withKeySerde(keySerde).withValueSerde(valueSerde))
                .toStream(Named.as(name + "-changes"))
                // a fact that lost its dimension: nothing to say downstream (see the class comment)
                .filter((key, row) -> row != null, Named.as(name + "-skip-removed"));
    }

    static boolean deleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

}
