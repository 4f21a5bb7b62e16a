package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.unwrap.AvroNames;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KeyValue;

/**
 * The aggregate's output rows: key {@code {window_start, <group columns>}}, value {@code {window_start,
 * window_end, <group columns>, <measures>}}; group values as text, count as long, the other measures as
 * optional double (null when the group has no value for it), then {@code __version} and {@code __deleted} as in a
 * row topic. Namespace {@code sluice.aggregate.<step>}.
 */
final class AggregateRows {

    private final Schema keySchema;
    private final Schema valueSchema;
    private final Aggregation.Measure.Kind[] kinds;

    AggregateRows(String step, Aggregation aggregation) {
        this.kinds = aggregation.measures().values().stream().map(Aggregation.Measure::kind)
                .toArray(Aggregation.Measure.Kind[]::new);
        String namespace = "sluice.aggregate." + AvroNames.sanitize(step);
        List<Schema.Field> keyFields = new ArrayList<>();
        keyFields.add(new Schema.Field("window_start", timestamp()));
        aggregation.groupBy().forEach(column -> keyFields.add(optional(column, Schema.Type.STRING)));
        this.keySchema = Schema.createRecord("Key", null, namespace, false, keyFields);
        List<Schema.Field> valueFields = new ArrayList<>();
        valueFields.add(new Schema.Field("window_start", timestamp()));
        valueFields.add(new Schema.Field("window_end", timestamp()));
        aggregation.groupBy().forEach(column -> valueFields.add(optional(column, Schema.Type.STRING)));
        for (Map.Entry<String, Aggregation.Measure> measure : aggregation.measures().entrySet()) {
            valueFields.add(measure.getValue().kind() == Aggregation.Measure.Kind.COUNT
                    ? new Schema.Field(measure.getKey(), Schema.create(Schema.Type.LONG))
                    : optional(measure.getKey(), Schema.Type.DOUBLE));
        }
        // the row-topic columns (docs/CONTRACTS.md), so the warehouse sink takes the rows as they are
        valueFields.add(new Schema.Field(ChangeUnwrapper.VERSION, Schema.create(Schema.Type.LONG),
                "Rows sent for this window and group so far; grows per key."));
        valueFields.add(new Schema.Field(ChangeUnwrapper.DELETED, Schema.create(Schema.Type.BOOLEAN),
                "True when no source row is left in the group (SQL would show no group)."));
        this.valueSchema = Schema.createRecord("Value", null, namespace, false, valueFields);
    }

    Schema keySchema() {
        return keySchema;
    }

    Schema valueSchema() {
        return valueSchema;
    }

    KeyValue<GenericRecord, GenericRecord> row(long start, long end, List<String> groupValues, Accumulator acc) {
        GenericData.Record key = new GenericData.Record(keySchema);
        GenericData.Record value = new GenericData.Record(valueSchema);
        key.put(0, start);
        value.put(0, start);
        value.put(1, end);
        for (int i = 0; i < groupValues.size(); i++) {
            key.put(i + 1, groupValues.get(i));
            value.put(i + 2, groupValues.get(i));
        }
        int first = groupValues.size() + 2;
        for (int i = 0; i < kinds.length; i++) {
            value.put(first + i, acc.result(i, kinds[i]));
        }
        value.put(first + kinds.length, acc.version);
        value.put(first + kinds.length + 1, acc.rows == 0);
        return KeyValue.pair(key, value);
    }

    private static Schema.Field optional(String name, Schema.Type type) {
        return new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(type)), null,
                Schema.Field.NULL_DEFAULT_VALUE);
    }

    private static Schema timestamp() {
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }
}
