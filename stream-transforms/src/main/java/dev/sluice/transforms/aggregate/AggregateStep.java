package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.unwrap.AvroNames;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code aggregate} step: tumbling-window aggregates over a change log, with retraction. The rows become a
 * table (latest row per key, a {@code __deleted} row removes its key); each row counts in the window of its
 * time column and its group. When a row is updated, its old version is subtracted from its old (window, group)
 * and the new one added to its new (window, group), which may differ; a delete subtracts it. So the
 * aggregates always equal what SQL would compute over the current source rows.
 *
 * <p>Output: one row per (window, group) each time it changes (updates rate-limited by Streams' record cache
 * and commit interval), key {@code {window_start, <group columns>}}, value {@code {window_start, window_end,
 * <group columns>, <measures>}}; group values as text, count as long, sum and avg as double. A group whose
 * rows are all gone stays with count 0. Windows are not closed: a late row still corrects its window, which
 * is what a dashboard over a changing source needs. Repartition topic {@code <name>-group}, stores
 * {@code <name>-rows} and {@code <name>-totals}.
 */
public final class AggregateStep {

    private static final char SEPARATOR = '\u0000';
    private static final String NULL = "\u0001";

    private AggregateStep() {
    }

    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> rows, String name,
                                                              Aggregation aggregation, Serde<GenericRecord> keySerde,
                                                              Serde<GenericRecord> valueSerde) {
        List<Map.Entry<String, Aggregation.Measure>> measures = List.copyOf(aggregation.measures().entrySet());
        Schema keySchema = keySchema(name, aggregation);
        Schema valueSchema = valueSchema(name, aggregation, measures);
        long size = aggregation.window().toMillis();
        return rows
                .mapValues(row -> isDeleted(row) ? null : row, Named.as(name + "-retract-deletes"))
                .toTable(Named.as(name + "-rows-table"),
                        Materialized.<GenericRecord, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-rows")
                                .withKeySerde(keySerde).withValueSerde(valueSerde))
                .groupBy((key, row) -> KeyValue.pair(groupKey(row, name, aggregation, size), row),
                        Grouped.<String, GenericRecord>as(name + "-group").withKeySerde(Serdes.String())
                                .withValueSerde(valueSerde))
                .aggregate(() -> Totals.empty(measures.size()),
                        (group, row, totals) -> totals.plus(values(row, name, measures), 1),
                        (group, row, totals) -> totals.plus(values(row, name, measures), -1),
                        Named.as(name),
                        Materialized.<String, Totals, KeyValueStore<Bytes, byte[]>>as(name + "-totals")
                                .withKeySerde(Serdes.String()).withValueSerde(Totals.serde()))
                .toStream(Named.as(name + "-changes"))
                .filter((group, totals) -> totals != null, Named.as(name + "-skip-empty"))
                .map((group, totals) -> output(group, totals, size, keySchema, valueSchema, measures),
                        Named.as(name + "-rows-out"));
    }

    private static boolean isDeleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

    private static String groupKey(GenericRecord row, String step, Aggregation aggregation, long size) {
        long time = eventTime(row, aggregation.timeField(), step);
        StringBuilder key = new StringBuilder().append(Math.floorDiv(time, size) * size);
        for (String column : aggregation.groupBy()) {
            String value = Fields.text(row, column, step);
            key.append(SEPARATOR).append(value == null ? NULL : value);
        }
        return key.toString();
    }

    static long eventTime(GenericRecord row, String field, String step) {
        Schema.Field column = Fields.field(row, field, step);
        Object value = row.get(column.pos());
        if (!(value instanceof Long time)) {
            throw new IllegalArgumentException("Step '" + step + "' uses '" + field + "' as its time field, but it is "
                    + (value == null ? "null" : "not a long") + " in " + row.getSchema().getFullName()
                    + "; point time-field at an epoch-millis or timestamp column.");
        }
        Schema type = Fields.nonNull(column.schema());
        boolean micros = "io.debezium.time.MicroTimestamp".equals(type.getProp("connect.name"))
                || type.getLogicalType() instanceof LogicalTypes.TimestampMicros;
        return micros ? Math.floorDiv(time, 1000) : time;
    }

    private static double[] values(GenericRecord row, String step,
                                   List<Map.Entry<String, Aggregation.Measure>> measures) {
        double[] values = new double[measures.size()];
        for (int i = 0; i < values.length; i++) {
            Aggregation.Measure measure = measures.get(i).getValue();
            if (measure.kind() == Aggregation.Measure.Kind.COUNT) {
                values[i] = 1;
            } else {
                BigDecimal number = Fields.number(row, measure.field(), step);
                values[i] = number == null ? Double.NaN : number.doubleValue();
            }
        }
        return values;
    }

    private static KeyValue<GenericRecord, GenericRecord> output(
            String group, Totals totals, long size, Schema keySchema, Schema valueSchema,
            List<Map.Entry<String, Aggregation.Measure>> measures) {
        String[] parts = group.split(String.valueOf(SEPARATOR), -1);
        long start = Long.parseLong(parts[0]);
        GenericData.Record key = new GenericData.Record(keySchema);
        GenericData.Record value = new GenericData.Record(valueSchema);
        key.put(0, start);
        value.put(0, start);
        value.put(1, start + size);
        for (int i = 1; i < parts.length; i++) {
            String text = NULL.equals(parts[i]) ? null : parts[i];
            key.put(i, text);
            value.put(i + 1, text);
        }
        int first = parts.length + 1;
        for (int i = 0; i < measures.size(); i++) {
            value.put(first + i, switch (measures.get(i).getValue().kind()) {
                case COUNT -> totals.rows();
                case SUM -> totals.sums()[i];
                case AVG -> totals.counts()[i] == 0 ? null : totals.sums()[i] / totals.counts()[i];
            });
        }
        return KeyValue.pair(key, value);
    }

    private static Schema keySchema(String step, Aggregation aggregation) {
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("window_start", timestamp()));
        aggregation.groupBy().forEach(column -> fields.add(optionalText(column)));
        return Schema.createRecord("Key", null, namespace(step), false, fields);
    }

    private static Schema valueSchema(String step, Aggregation aggregation,
                                      List<Map.Entry<String, Aggregation.Measure>> measures) {
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("window_start", timestamp()));
        fields.add(new Schema.Field("window_end", timestamp()));
        aggregation.groupBy().forEach(column -> fields.add(optionalText(column)));
        for (Map.Entry<String, Aggregation.Measure> measure : measures) {
            fields.add(switch (measure.getValue().kind()) {
                case COUNT -> new Schema.Field(measure.getKey(), Schema.create(Schema.Type.LONG));
                case SUM -> new Schema.Field(measure.getKey(), Schema.create(Schema.Type.DOUBLE));
                case AVG -> new Schema.Field(measure.getKey(), Schema.createUnion(Schema.create(Schema.Type.NULL),
                        Schema.create(Schema.Type.DOUBLE)), null, Schema.Field.NULL_DEFAULT_VALUE);
            });
        }
        return Schema.createRecord("Value", null, namespace(step), false, fields);
    }

    private static Schema.Field optionalText(String column) {
        return new Schema.Field(column, Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE);
    }

    private static Schema timestamp() {
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }

    private static String namespace(String step) {
        return "sluice.aggregate." + AvroNames.sanitize(step);
    }
}
