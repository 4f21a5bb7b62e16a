package dev.sluice.schemas.connect;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro schema -> Connect schema: the inverse of {@link ConnectToAvroSchema} (the {@code connect.*}
 * properties restore names, versions, docs, parameters, int8/int16 and non-string-keyed maps), and a
 * sensible reading of Avro written elsewhere: a {@code [null, T]} union is an optional T, a record
 * is a struct named by its full name, enums are strings, logical types become Connect's
 * (decimal with its precision as {@value ConnectAvro#DECIMAL_PRECISION}). Unions of several
 * non-null types and recursive records have no Connect form and fail with a {@link DataException}.
 *
 * <p>Results are cached by schema identity (bounded); thread-safe. Struct defaults are not carried.
 */
public final class AvroToConnectSchema {

    private final IdentityCache<Schema, org.apache.kafka.connect.data.Schema> cache = new IdentityCache<>(1_000);

    public org.apache.kafka.connect.data.Schema convert(Schema avro) {
        return cache.get(avro, a -> new Conversion().schema(a, false, null));
    }

    /** The non-null branch of a {@code [null, T]} union, or the schema itself. */
    static Schema nonNull(Schema avro) {
        if (avro.getType() != Schema.Type.UNION) {
            return avro;
        }
        java.util.List<Schema> branches = avro.getTypes();
        if (branches.size() == 2) { // [null, T] or [T, null]: the common case, on every optional value
            Schema first = branches.get(0);
            Schema second = branches.get(1);
            if (first.getType() == Schema.Type.NULL && second.getType() != Schema.Type.NULL) {
                return second;
            }
            if (second.getType() == Schema.Type.NULL && first.getType() != Schema.Type.NULL) {
                return first;
            }
        }
        Schema found = null;
        for (Schema branch : avro.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                if (found != null) {
                    throw new DataException("Avro union " + avro + " has more than one non-null type; Connect can"
                            + " only represent [\"null\", T] unions (an optional T)");
                }
                found = branch;
            }
        }
        if (found == null) {
            throw new DataException("Avro union " + avro + " holds only null; Connect has no type for it");
        }
        return found;
    }

    private static final class Conversion {
        /** Records being converted: Connect has no recursive types, Avro does. */
        private final Set<Schema> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

        /**
         * The Connect schema of a field (or top-level) of Avro type {@code avro}; {@code hasDefault}
         * with {@code avroDefault} is the field's Avro default (as {@code Schema.Field#defaultVal()} gives it).
         */
        org.apache.kafka.connect.data.Schema schema(Schema avro, boolean hasDefault, Object avroDefault) {
            boolean optional = avro.getType() == Schema.Type.UNION
                    && avro.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
            if (avro.getType() == Schema.Type.NULL) {
                throw new DataException("Avro type null has no Connect equivalent outside a [\"null\", T] union");
            }
            Schema type = nonNull(avro);
            SchemaBuilder builder = builder(type);
            if (optional) {
                builder.optional();
            }
            Object connectDefault = hasDefault && avroDefault != null && type.getType() != Schema.Type.RECORD
                    ? AvroToConnectValue.convert(type, builder.build(), avroDefault)
                    : null;
            if (connectDefault != null) {
                // A built schema cannot take a default: build the same schema again, with it.
                builder = builder(type);
                if (optional) {
                    builder.optional();
                }
                builder.defaultValue(connectDefault);
            }
            return builder.build();
        }

        private SchemaBuilder builder(Schema type) {
            SchemaBuilder builder = baseBuilder(type);
            applyProps(builder, type);
            return builder;
        }

        private SchemaBuilder baseBuilder(Schema type) {
            boolean fromConnect = type.getProp(ConnectAvro.NAME) != null;
            LogicalType logical = type.getLogicalType();
            String connectType = type.getProp(ConnectAvro.TYPE);
            switch (type.getType()) {
                case INT:
                    if ("int8".equals(connectType)) {
                        return SchemaBuilder.int8();
                    }
                    if ("int16".equals(connectType)) {
                        return SchemaBuilder.int16();
                    }
                    if (!fromConnect && logical instanceof LogicalTypes.Date) {
                        return Date.builder();
                    }
                    if (!fromConnect && logical instanceof LogicalTypes.TimeMillis) {
                        return Time.builder();
                    }
                    return SchemaBuilder.int32();
                case LONG:
                    if (!fromConnect && logical instanceof LogicalTypes.TimestampMillis) {
                        return Timestamp.builder();
                    }
                    return SchemaBuilder.int64();
                case FLOAT:
                    return SchemaBuilder.float32();
                case DOUBLE:
                    return SchemaBuilder.float64();
                case BOOLEAN:
                    return SchemaBuilder.bool();
                case STRING:
                case ENUM:
                    return SchemaBuilder.string();
                case BYTES:
                case FIXED:
                    if (!fromConnect && logical instanceof LogicalTypes.Decimal decimal) {
                        return Decimal.builder(decimal.getScale())
                                .parameter(ConnectAvro.DECIMAL_PRECISION, Integer.toString(decimal.getPrecision()));
                    }
                    return SchemaBuilder.bytes();
                case ARRAY:
                    if ("map".equals(connectType) && type.getElementType().getType() == Schema.Type.RECORD) {
                        Schema entry = type.getElementType();
                        return SchemaBuilder.map(field(entry.getFields().get(0)), field(entry.getFields().get(1)));
                    }
                    return SchemaBuilder.array(schema(type.getElementType(), false, null));
                case MAP:
                    return SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                            schema(type.getValueType(), false, null));
                case RECORD:
                    return struct(type);
                default:
                    throw new DataException("Avro type " + type.getType() + " (" + type + ") has no Connect equivalent");
            }
        }

        private SchemaBuilder struct(Schema record) {
            if (!inProgress.add(record)) {
                throw new DataException("Avro record " + record.getFullName() + " is recursive; Connect schemas cannot be");
            }
            try {
                SchemaBuilder builder = SchemaBuilder.struct();
                for (Schema.Field field : record.getFields()) {
                    String name = field.getProp(ConnectAvro.FIELD_NAME) != null ? field.getProp(ConnectAvro.FIELD_NAME) : field.name();
                    builder.field(name, field(field));
                }
                return builder;
            } finally {
                inProgress.remove(record);
            }
        }

        private org.apache.kafka.connect.data.Schema field(Schema.Field field) {
            Object avroDefault = field.hasDefaultValue() ? field.defaultVal() : null;
            if (avroDefault == JsonProperties.NULL_VALUE) {
                avroDefault = null; // Avro's marker for a JSON null default
            }
            return schema(field.schema(), avroDefault != null, avroDefault);
        }

        private static void applyProps(SchemaBuilder builder, Schema type) {
            Object name = type.getObjectProp(ConnectAvro.NAME);
            if (name != null) {
                builder.name(name.toString());
            } else if (type.getType() == Schema.Type.RECORD && !invented(type)) {
                builder.name(type.getFullName());
            }
            Object version = type.getObjectProp(ConnectAvro.VERSION);
            if (version instanceof Number number) {
                builder.version(number.intValue());
            }
            Object doc = type.getObjectProp(ConnectAvro.DOC);
            if (doc != null) {
                builder.doc(doc.toString());
            } else if (type.getType() == Schema.Type.RECORD && type.getDoc() != null) {
                builder.doc(type.getDoc());
            }
            Object parameters = type.getObjectProp(ConnectAvro.PARAMETERS);
            if (parameters instanceof Map<?, ?> map) {
                Map<String, String> params = new LinkedHashMap<>();
                map.forEach((k, v) -> params.put(k.toString(), String.valueOf(v)));
                builder.parameters(params);
            }
        }

        /** Names we made up for unnamed structs and map entries: Connect had none. */
        private static boolean invented(Schema record) {
            return ConnectAvro.NAMESPACE.equals(record.getNamespace())
                    && (record.getName().startsWith(ConnectAvro.UNNAMED_STRUCT) || record.getName().startsWith(ConnectAvro.MAP_ENTRY));
        }
    }
}
