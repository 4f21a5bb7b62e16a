package dev.sluice.transforms.unwrap;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a Debezium change envelope ({@code before}, {@code after}, {@code source}, {@code op}) into the
 * row record of the row-topic contract (docs/CONTRACTS.md): every column of the table plus
 * {@code __source_ts} (source commit time), {@code __version} (the change's LSN) and {@code __deleted}.
 *
 * <p>Ops {@code c}, {@code u} and {@code r} take the columns from {@code after}; {@code d} takes them from
 * {@code before} and sets {@code __deleted = true}. Column field schemas are copied from the envelope's
 * image schema, so {@code connect.name}, {@code connect.parameters} and logical types survive.
 *
 * <p>A pure function: the same envelope always gives an equal row. The row schema is derived once per
 * envelope schema instance (deserializers hand out one instance per schema id) and kept in a small
 * bounded cache, so a schema change at the source simply yields a new row schema. Thread-safe.
 *
 * <p>Fails with {@link IllegalArgumentException} when the envelope breaks the change-topic contract
 * (unknown op, missing image, missing {@code source.lsn} / {@code source.ts_ms}, or a column whose name
 * collides with a metadata field).
 */
public final class ChangeUnwrapper {

    public static final String SOURCE_TS = "__source_ts";
    public static final String VERSION = "__version";
    public static final String DELETED = "__deleted";

    private static final int CACHE_SIZE = 256;

    private final IdentityLruCache<Schema, RowSchema> rowSchemas = new IdentityLruCache<>(CACHE_SIZE);

    /** Returns the row for {@code envelope}; see the class comment for the mapping. */
    public GenericRecord unwrap(GenericRecord envelope) {
        Schema envelopeSchema = envelope.getSchema();
        RowSchema row = rowSchemas.computeIfAbsent(envelopeSchema, ChangeUnwrapper::deriveRowSchema);

        String op = requireField(envelope, "op").toString();
        boolean deleted = switch (op) {
            case "c", "u", "r" -> false;
            case "d" -> true;
            default -> throw new IllegalArgumentException("Change envelope " + envelopeSchema.getFullName()
                    + " has op '" + op + "', expected one of c, u, d, r; check the ingest's skipped.operations.");
        };
        String imageName = deleted ? "before" : "after";
        GenericRecord image = (GenericRecord) requireField(envelope, imageName);
        GenericRecord source = (GenericRecord) requireField(envelope, "source");

        GenericData.Record out = new GenericData.Record(row.schema());
        for (int i = 0; i < row.columnCount(); i++) {
            out.put(i, image.get(row.schema().getFields().get(i).name()));
        }
        out.put(SOURCE_TS, ((Number) requireField(source, "ts_ms")).longValue());
        out.put(VERSION, ((Number) requireField(source, "lsn")).longValue());
        out.put(DELETED, deleted);
        return out;
    }

    private static Object requireField(GenericRecord record, String name) {
        if (record.getSchema().getField(name) == null) {
            throw new IllegalArgumentException("Record " + record.getSchema().getFullName() + " has no field '"
                    + name + "'; the change topics must carry Debezium change envelopes (docs/CONTRACTS.md).");
        }
        Object value = record.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Field '" + name + "' of " + record.getSchema().getFullName()
                    + " is null; a change envelope needs it (docs/CONTRACTS.md).");
        }
        return value;
    }

    /**
     * The row schema the rows of change envelopes written with {@code envelope} get; fails as {@link #unwrap} does
     * when the envelope's schema breaks the contract.
     */
    public static Schema rowSchemaOf(Schema envelope) {
        return deriveRowSchema(envelope).schema();
    }

    /** Row schema: the image's columns (copied field by field), then the three metadata fields. */
    static RowSchema deriveRowSchema(Schema envelope) {
        Schema image = imageSchema(envelope);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field column : image.getFields()) {
            if (column.name().equals(SOURCE_TS) || column.name().equals(VERSION) || column.name().equals(DELETED)) {
                throw new IllegalArgumentException("Column '" + column.name() + "' of " + image.getFullName()
                        + " collides with a Sluice metadata field; rename the column at the source.");
            }
            // the copy constructor keeps doc, default, order, aliases and properties
            fields.add(new Schema.Field(column, column.schema()));
        }
        int columns = fields.size();
        fields.add(new Schema.Field(SOURCE_TS, Schema.create(Schema.Type.LONG), "Source commit time, epoch millis."));
        fields.add(new Schema.Field(VERSION, Schema.create(Schema.Type.LONG), "The change's LSN; grows per row."));
        fields.add(new Schema.Field(DELETED, Schema.create(Schema.Type.BOOLEAN), "True for a delete.", false));
        Schema schema = Schema.createRecord("Row", "Row of " + image.getFullName() + " with Sluice metadata.",
                AvroNames.namespaceOf(envelope, image), false, fields);
        return new RowSchema(schema, columns);
    }

    private static Schema imageSchema(Schema envelope) {
        if (envelope.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("Expected a change envelope record, got " + envelope.getType()
                    + "; the change topics must carry Debezium change envelopes (docs/CONTRACTS.md).");
        }
        for (String name : List.of("after", "before")) {
            Schema.Field field = envelope.getField(name);
            if (field != null) {
                Schema record = recordBranch(field.schema());
                if (record != null) {
                    return record;
                }
            }
        }
        throw new IllegalArgumentException("Change envelope " + envelope.getFullName()
                + " has no record-typed 'after' or 'before' field; is the topic a Debezium change topic?");
    }

    /** {@code schema} itself when a record, else the first record branch of a union; null when neither. */
    public static Schema recordBranch(Schema schema) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        return null;
    }

    record RowSchema(Schema schema, int columnCount) {
    }
}
