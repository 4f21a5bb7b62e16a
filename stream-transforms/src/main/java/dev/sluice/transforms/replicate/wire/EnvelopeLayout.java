package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.wire.AvroCursor;
import dev.sluice.schemas.wire.WireFormat;
import dev.sluice.schemas.wire.WireFormatException;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * Where a change envelope's parts are, for one writer schema: which top-level fields are {@code before},
 * {@code after}, {@code source} and {@code op}, which fields of {@code source} are {@code lsn} and {@code ts_ms},
 * and the row schema the unwrap derives from it. Built once per schema id; {@link #read} then walks one envelope's
 * bytes without building a record.
 *
 * <p>The byte copy of an image is the row's columns only when both images have the row's column schema (true for
 * every Debezium envelope); {@link #imagesCopyAsRows()} says so, and the caller takes the decoding path when not.
 */
public final class EnvelopeLayout {

    private final int schemaId;
    private final Schema envelope;
    private final int before;
    private final int after;
    private final int source;
    private final int op;
    private final Schema sourceSchema;
    private final int lsn;
    private final int tsMs;
    private final Schema rowSchema;
    private final boolean imagesCopyAsRows;

    EnvelopeLayout(int schemaId, Schema envelope) {
        this.schemaId = schemaId;
        this.envelope = envelope;
        boolean isRecord = envelope.getType() == Schema.Type.RECORD;
        this.before = isRecord ? indexOf(envelope, "before") : -1;
        this.after = isRecord ? indexOf(envelope, "after") : -1;
        this.source = isRecord ? indexOf(envelope, "source") : -1;
        this.op = isRecord ? indexOf(envelope, "op") : -1;
        this.sourceSchema = source < 0 ? null : ChangeUnwrapper.recordBranch(envelope.getFields().get(source).schema());
        this.lsn = sourceSchema == null ? -1 : indexOf(sourceSchema, "lsn");
        this.tsMs = sourceSchema == null ? -1 : indexOf(sourceSchema, "ts_ms");
        this.rowSchema = derivedRowSchema(envelope).orElse(null);
        this.imagesCopyAsRows = rowSchema != null && copiesAsRow(before) && copiesAsRow(after);
    }

    int schemaId() {
        return schemaId;
    }

    Schema envelope() {
        return envelope;
    }

    Schema rowSchema() {
        return rowSchema;
    }

    boolean imagesCopyAsRows() {
        return imagesCopyAsRows;
    }

    /** Walks framed {@code bytes} (written with this schema) once; fails when they do not match it. */
    ChangeBytes read(byte[] bytes) {
        AvroCursor cursor = new AvroCursor(bytes, WireFormat.HEADER_SIZE, bytes.length);
        if (envelope.getType() != Schema.Type.RECORD) {
            cursor.skip(envelope);
            return finished(cursor, new ChangeBytes(bytes, this, null, null, null, -1, -1, -1, -1));
        }
        String opValue = null;
        Long lsnValue = null;
        Long tsValue = null;
        int beforeStart = -1;
        int beforeEnd = -1;
        int afterStart = -1;
        int afterEnd = -1;
        int i = 0;
        for (Schema.Field field : envelope.getFields()) {
            Schema schema = nonNull(cursor, field.schema());
            if (schema == null) {
                i++;
                continue;
            }
            if (i == before || i == after) {
                int start = cursor.position();
                cursor.skip(schema);
                if (schema.getType() == Schema.Type.RECORD) {
                    if (i == before) {
                        beforeStart = start;
                        beforeEnd = cursor.position();
                    } else {
                        afterStart = start;
                        afterEnd = cursor.position();
                    }
                }
            } else if (i == op && schema.getType() == Schema.Type.STRING) {
                opValue = cursor.readString();
            } else if (i == op && schema.getType() == Schema.Type.ENUM) {
                opValue = symbol(cursor, schema);
            } else if (i == source && schema.getType() == Schema.Type.RECORD) {
                int j = 0;
                for (Schema.Field sourceField : schema.getFields()) {
                    Schema value = nonNull(cursor, sourceField.schema());
                    if (value != null && (j == lsn || j == tsMs) && isNumber(value)) {
                        long number = cursor.readLong();
                        if (j == lsn) {
                            lsnValue = number;
                        } else {
                            tsValue = number;
                        }
                    } else if (value != null) {
                        cursor.skip(value);
                    }
                    j++;
                }
            } else {
                cursor.skip(schema);
            }
            i++;
        }
        return finished(cursor, new ChangeBytes(bytes, this, opValue, lsnValue, tsValue, beforeStart, beforeEnd,
                afterStart, afterEnd));
    }

    private ChangeBytes finished(AvroCursor cursor, ChangeBytes change) {
        cursor.requireEnd(schemaId, envelope);
        return change;
    }

    private static String symbol(AvroCursor cursor, Schema enumSchema) {
        int index = cursor.readInt();
        if (index < 0 || index >= enumSchema.getEnumSymbols().size()) {
            throw new WireFormatException("enum index " + index + " is out of range for " + enumSchema.getFullName()
                    + "; the bytes are not Avro of the writer schema");
        }
        return enumSchema.getEnumSymbols().get(index);
    }

    /** The value's schema after its union branch is read; null for a null value. */
    private static Schema nonNull(AvroCursor cursor, Schema schema) {
        Schema actual = schema.getType() == Schema.Type.UNION ? cursor.readBranch(schema) : schema;
        return actual.getType() == Schema.Type.NULL ? null : actual;
    }

    private static boolean isNumber(Schema schema) {
        return schema.getType() == Schema.Type.LONG || schema.getType() == Schema.Type.INT;
    }

    private boolean copiesAsRow(int image) {
        if (image < 0) {
            return true;
        }
        Schema record = ChangeUnwrapper.recordBranch(envelope.getFields().get(image).schema());
        return record == null || sameColumns(record, rowSchema);
    }

    /** The row's first fields are the image's columns, each with the image's own schema, so they encode alike. */
    private static boolean sameColumns(Schema image, Schema row) {
        if (row.getFields().size() != image.getFields().size() + 3) {
            return false;
        }
        for (int k = 0; k < image.getFields().size(); k++) {
            Schema.Field column = image.getFields().get(k);
            Schema.Field rowColumn = row.getFields().get(k);
            if (!column.name().equals(rowColumn.name()) || !column.schema().equals(rowColumn.schema())) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Schema> derivedRowSchema(Schema envelope) {
        try {
            return Optional.of(ChangeUnwrapper.rowSchemaOf(envelope));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the decoding path reports it, record by record, as before
        }
    }

    private static int indexOf(Schema record, String name) {
        Schema.Field field = record.getField(name);
        return field == null ? -1 : field.pos();
    }
}
