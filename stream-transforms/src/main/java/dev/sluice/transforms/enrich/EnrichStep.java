package dev.sluice.transforms.enrich;

import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.row.Reshape;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code enrich} step: a foreign-key table-table join of the fact rows with a dimension table built from
 * the dimension's row topic. The latest row per fact key is joined with the latest row of its dimension; when
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

    public static KStream<GenericRecord, GenericRecord> apply(StreamsBuilder builder,
                                                              KStream<GenericRecord, GenericRecord> facts, String name,
                                                              Enrichment enrichment, Serde<GenericRecord> keySerde,
                                                              Serde<GenericRecord> valueSerde) {
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
        Joiner joiner = new Joiner(name, enrichment);
        return factTable.join(dimension, fact -> Fields.text(fact, enrichment.foreignKey(), name), joiner::join,
                        TableJoined.as(name),
                        Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-joined")
                                .withKeySerde(keySerde).withValueSerde(valueSerde))
                .toStream(Named.as(name + "-changes"))
                // a fact that lost its dimension: nothing to say downstream (see the class comment)
                .filter((key, row) -> row != null, Named.as(name + "-skip-removed"));
    }

    private static boolean deleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

    /** Fact row + dimension columns; the output schema is derived once per (fact schema, dimension schema). */
    private static final class Joiner {
        private final String step;
        private final Enrichment enrichment;
        private final Map<List<Integer>, Plan> plans = new LinkedHashMap<>();

        Joiner(String step, Enrichment enrichment) {
            this.step = step;
            this.enrichment = enrichment;
        }

        GenericRecord join(GenericRecord fact, GenericRecord dimension) {
            Plan plan = plan(fact.getSchema(), dimension.getSchema());
            GenericData.Record out = new GenericData.Record(plan.schema);
            int factFields = fact.getSchema().getFields().size();
            for (int i = 0; i < factFields; i++) {
                out.put(i, fact.get(i));
            }
            for (int i = 0; i < plan.dimensionPositions.length; i++) {
                out.put(factFields + i, dimension.get(plan.dimensionPositions[i]));
            }
            return out;
        }

        private synchronized Plan plan(Schema fact, Schema dimension) {
            List<Integer> key = List.of(System.identityHashCode(fact), System.identityHashCode(dimension));
            Plan plan = plans.get(key);
            if (plan != null && plan.fact == fact && plan.dimension == dimension) {
                return plan;
            }
            List<Schema.Field> fields = new ArrayList<>();
            for (Schema.Field field : fact.getFields()) {
                fields.add(Reshape.copy(field, field.name(), field.schema()));
            }
            // output order follows the dimension column names, so it does not depend on map iteration order
            Map<String, String> columns = new TreeMap<>(enrichment.columns());
            int[] positions = new int[columns.size()];
            int i = 0;
            for (Map.Entry<String, String> column : columns.entrySet()) {
                Schema.Field in = dimension.getField(column.getKey());
                if (in == null) {
                    throw new IllegalArgumentException("Step '" + step + "' adds dimension column '" + column.getKey()
                            + "', which " + dimension.getFullName() + " does not have; fix the column name.");
                }
                if (fact.getField(column.getValue()) != null) {
                    throw new IllegalArgumentException("Step '" + step + "' adds column '" + column.getValue()
                            + "', which the fact row " + fact.getFullName() + " already has; rename it.");
                }
                Schema optional = Fields.isNullable(in.schema()) ? in.schema()
                        : Schema.createUnion(Schema.create(Schema.Type.NULL), in.schema());
                fields.add(Reshape.copy(in, column.getValue(), optional));
                positions[i++] = in.pos();
            }
            Schema schema = Schema.createRecord(fact.getName(), fact.getDoc(), fact.getNamespace(), false, fields);
            plan = new Plan(fact, dimension, schema, positions);
            if (plans.size() > 256) {
                plans.clear(); // schemas are few; a flood means fresh instances per record, so start over
            }
            plans.put(key, plan);
            return plan;
        }
    }

    private record Plan(Schema fact, Schema dimension, Schema schema, int[] dimensionPositions) {
    }
}
