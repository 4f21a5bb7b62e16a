package dev.sluice.transforms.project;

import dev.sluice.transforms.row.Reshape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The {@code project} and {@code rename} steps: keep the listed columns in the listed order, or rename
 * columns and keep the rest. Column schemas (with their Connect properties) are kept. A column the row does
 * not have is a spec mistake: the row goes to the DLQ with a message naming the column.
 */
public final class ProjectStep {

    private ProjectStep() {
    }

    /** Keeps only {@code fields}, in that order (processor {@code <name>}). */
    public static KStream<GenericRecord, GenericRecord> project(KStream<GenericRecord, GenericRecord> rows, String name,
                                                                List<String> fields) {
        List<String> keep = List.copyOf(fields);
        Reshape reshape = new Reshape(schema -> {
            List<Reshape.Column> columns = new ArrayList<>();
            for (String field : keep) {
                Schema.Field in = require(schema, field, name);
                int pos = in.pos();
                columns.add(new Reshape.Column(Reshape.copy(in, field, in.schema()), row -> row.get(pos)));
            }
            return columns;
        });
        return rows.mapValues(reshape::apply, Named.as(name));
    }

    /** Renames {@code renames} keys to their values, keeping every column in place (processor {@code <name>}). */
    public static KStream<GenericRecord, GenericRecord> rename(KStream<GenericRecord, GenericRecord> rows, String name,
                                                               Map<String, String> renames) {
        Map<String, String> map = new LinkedHashMap<>(renames);
        Reshape reshape = new Reshape(schema -> {
            map.keySet().forEach(field -> require(schema, field, name));
            List<Reshape.Column> columns = new ArrayList<>();
            for (Schema.Field in : schema.getFields()) {
                int pos = in.pos();
                String out = map.getOrDefault(in.name(), in.name());
                if (!out.equals(in.name()) && schema.getField(out) != null && !map.containsKey(out)) {
                    throw new IllegalArgumentException("Step '" + name + "' renames '" + in.name() + "' to '" + out
                            + "', which " + schema.getFullName() + " already has; pick another name.");
                }
                columns.add(new Reshape.Column(Reshape.copy(in, out, in.schema()), row -> row.get(pos)));
            }
            return columns;
        });
        return rows.mapValues(reshape::apply, Named.as(name));
    }

    private static Schema.Field require(Schema schema, String field, String step) {
        Schema.Field in = schema.getField(field);
        if (in == null) {
            throw new IllegalArgumentException("Step '" + step + "' names field '" + field + "', which "
                    + schema.getFullName() + " does not have; fix the field name in the pipeline spec.");
        }
        return in;
    }
}
