package dev.sluice.transforms.enrich;

import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.row.Reshape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Fact row + dimension columns; the output schema is derived once per (fact schema, dimension schema). */
final class DimensionColumns {
    private final String step;
    private final Enrichment enrichment;
    private final Map<List<Integer>, Plan> plans = new LinkedHashMap<>();

    DimensionColumns(String step, Enrichment enrichment) {
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

    private record Plan(Schema fact, Schema dimension, Schema schema, int[] dimensionPositions) {
    }
}
