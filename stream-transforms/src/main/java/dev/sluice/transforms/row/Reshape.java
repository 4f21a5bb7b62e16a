package dev.sluice.transforms.row;

import dev.sluice.transforms.unwrap.IdentityLruCache;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds rows of a derived schema (fewer, renamed or retyped columns) from rows of an input schema. The
 * output schema is derived once per input schema (cached by identity, as deserializers hand out one schema
 * instance per writer schema) and keeps the input's record name and every kept column's schema with its
 * properties ({@code connect.name} and the like), so the sink sees the same column types.
 */
public final class Reshape {

    /** One output column: its field and how its value comes from an input row. */
    public record Column(Schema.Field field, Function<GenericRecord, Object> value) {
    }

    private final Function<Schema, List<Column>> plan;
    private final IdentityLruCache<Schema, Plan> plans = new IdentityLruCache<>(256);

    /** {@code plan} maps an input schema to the output columns; it may throw to reject the schema. */
    public Reshape(Function<Schema, List<Column>> plan) {
        this.plan = plan;
    }

    public GenericRecord apply(GenericRecord input) {
        Plan compiled = plans.computeIfAbsent(input.getSchema(), this::compile);
        GenericData.Record output = new GenericData.Record(compiled.schema);
        for (int i = 0; i < compiled.columns.size(); i++) {
            output.put(i, compiled.columns.get(i).value().apply(input));
        }
        return output;
    }

    private Plan compile(Schema input) {
        List<Column> columns = plan.apply(input);
        List<Schema.Field> fields = new ArrayList<>();
        for (Column column : columns) {
            fields.add(column.field());
        }
        Schema schema = Schema.createRecord(input.getName(), input.getDoc(), input.getNamespace(), false, fields);
        input.getObjectProps().forEach(schema::addProp);
        return new Plan(schema, columns);
    }

    /** A copy of {@code field} under {@code name} with {@code schema}, keeping its doc, default and properties. */
    public static Schema.Field copy(Schema.Field field, String name, Schema schema) {
        Object defaultValue = schema == field.schema() ? field.defaultVal() : null;
        if (defaultValue == null && Fields.isNullable(schema) && schema.getType() == Schema.Type.UNION
                && schema.getTypes().get(0).getType() == Schema.Type.NULL) {
            defaultValue = Schema.Field.NULL_DEFAULT_VALUE;
        }
        Schema.Field copy = new Schema.Field(name, schema, field.doc(), defaultValue, field.order());
        field.getObjectProps().forEach(copy::addProp);
        return copy;
    }

    private record Plan(Schema schema, List<Column> columns) {
    }
}
