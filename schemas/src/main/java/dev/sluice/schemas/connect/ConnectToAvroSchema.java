package dev.sluice.schemas.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect schema -> Avro schema. Every Connect type maps (int8/int16 as Avro int marked with
 * {@value ConnectAvro#TYPE}; maps with string keys as Avro maps, other maps as arrays of key/value
 * records); optional schemas become {@code ["null", T]} unions with default null; Connect's logical
 * types become Avro's (decimal, date, time-millis, timestamp-millis); the Connect name, version, doc
 * and parameters are kept as {@code connect.*} properties so {@link AvroToConnectSchema} restores an
 * equal schema. Record names are sanitised into valid, unique Avro names.
 *
 * <p>Results are cached by schema identity (bounded); thread-safe.
 */
public final class ConnectToAvroSchema {

    private final IdentityCache<org.apache.kafka.connect.data.Schema, Schema> cache = new IdentityCache<>(1_000);

    /** The Avro schema for {@code schema}. Fails with a {@link DataException} for a schema Avro cannot express. */
    public Schema convert(org.apache.kafka.connect.data.Schema schema) {
        if (schema == null) {
            throw new DataException("cannot convert a null Connect schema to Avro; schemaless data needs a schema-aware source");
        }
        return cache.get(schema, s -> new Conversion().schema(s));
    }

    /** One top-level conversion: record names must be unique within one Avro schema. */
    private static final class Conversion {
        private final Map<String, Schema> recordsByName = new HashMap<>();
        private final Map<org.apache.kafka.connect.data.Schema, Schema> done = new IdentityHashMap<>();

        Schema schema(org.apache.kafka.connect.data.Schema connect) {
            Schema cached = done.get(connect);
            if (cached != null) {
                return cached;
            }
            Schema type = nonOptional(connect);
            Schema result = type;
            if (connect.isOptional()) {
                // Avro: a union's default must match its first branch.
                result = connect.defaultValue() != null
                        ? Schema.createUnion(type, Schema.create(Schema.Type.NULL))
                        : Schema.createUnion(Schema.create(Schema.Type.NULL), type);
            }
            done.put(connect, result);
            return result;
        }

        private Schema nonOptional(org.apache.kafka.connect.data.Schema connect) {
            String name = connect.name();
            Schema avro = switch (connect.type()) {
                case INT8 -> withProp(Schema.create(Schema.Type.INT), ConnectAvro.TYPE, "int8");
                case INT16 -> withProp(Schema.create(Schema.Type.INT), ConnectAvro.TYPE, "int16");
                case INT32 -> {
                    if (Date.LOGICAL_NAME.equals(name)) {
                        yield LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                    }
                    if (Time.LOGICAL_NAME.equals(name)) {
                        yield LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT));
                    }
                    yield Schema.create(Schema.Type.INT);
                }
                case INT64 -> Timestamp.LOGICAL_NAME.equals(name)
                        ? LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))
                        : Schema.create(Schema.Type.LONG);
                case FLOAT32 -> Schema.create(Schema.Type.FLOAT);
                case FLOAT64 -> Schema.create(Schema.Type.DOUBLE);
                case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                case STRING -> Schema.create(Schema.Type.STRING);
                case BYTES -> Decimal.LOGICAL_NAME.equals(name) ? decimal(connect) : Schema.create(Schema.Type.BYTES);
                case ARRAY -> Schema.createArray(schema(connect.valueSchema()));
                case MAP -> map(connect);
                case STRUCT -> record(connect);
            };
            if (avro.getType() != Schema.Type.RECORD) {
                // A record already carries these (set before its name was made unique).
                addConnectProps(avro, connect);
            }
            return avro;
        }

        private static Schema decimal(org.apache.kafka.connect.data.Schema connect) {
            Map<String, String> params = connect.parameters() == null ? Map.of() : connect.parameters();
            String scaleText = params.get(Decimal.SCALE_FIELD);
            if (scaleText == null) {
                throw new DataException("Connect Decimal schema " + connect + " has no '" + Decimal.SCALE_FIELD
                        + "' parameter; build it with Decimal.schema(scale)");
            }
            int scale = Integer.parseInt(scaleText);
            int precision = params.containsKey(ConnectAvro.DECIMAL_PRECISION)
                    ? Integer.parseInt(params.get(ConnectAvro.DECIMAL_PRECISION))
                    : ConnectAvro.DEFAULT_DECIMAL_PRECISION;
            // Avro insists on 0 <= scale <= precision; a Connect decimal may say less.
            precision = Math.max(Math.max(precision, scale), 1);
            return LogicalTypes.decimal(precision, Math.max(scale, 0)).addToSchema(Schema.create(Schema.Type.BYTES));
        }

        private Schema map(org.apache.kafka.connect.data.Schema connect) {
            org.apache.kafka.connect.data.Schema key = connect.keySchema();
            if (isPlainString(key)) {
                return Schema.createMap(schema(connect.valueSchema()));
            }
            Schema keyAvro = schema(key);
            Schema valueAvro = schema(connect.valueSchema());
            Schema entry = uniqueRecord(ConnectAvro.NAMESPACE + "." + ConnectAvro.MAP_ENTRY, null, Map.of(), List.of(
                    new FieldSpec("key", "key", keyAvro, key),
                    new FieldSpec("value", "value", valueAvro, connect.valueSchema())));
            return withProp(Schema.createArray(entry), ConnectAvro.TYPE, "map");
        }

        private static boolean isPlainString(org.apache.kafka.connect.data.Schema key) {
            return key.type() == org.apache.kafka.connect.data.Schema.Type.STRING && !key.isOptional()
                    && key.name() == null && key.version() == null && key.doc() == null && key.defaultValue() == null
                    && (key.parameters() == null || key.parameters().isEmpty());
        }

        private Schema record(org.apache.kafka.connect.data.Schema connect) {
            List<FieldSpec> fields = new ArrayList<>();
            Set<String> used = new HashSet<>();
            for (Field field : connect.fields()) {
                String avroName = ConnectAvro.sanitize(field.name());
                String unique = avroName;
                for (int i = 2; !used.add(unique); i++) {
                    unique = avroName + "_" + i;
                }
                fields.add(new FieldSpec(field.name(), unique, schema(field.schema()), field.schema()));
            }
            String fullName = connect.name() == null
                    ? ConnectAvro.NAMESPACE + "." + ConnectAvro.UNNAMED_STRUCT
                    : ConnectAvro.sanitizeFullName(connect.name());
            Map<String, Object> props = new LinkedHashMap<>();
            connectProps(connect).forEach(props::put);
            return uniqueRecord(fullName, connect.doc(), props, fields);
        }

        /**
         * A record named {@code fullName}, or {@code fullName_2}, ... if another, different record
         * already took the name in this schema; an equal record already defined is reused (Avro
         * writes a named type once and refers to it by name afterwards).
         */
        private Schema uniqueRecord(String fullName, String doc, Map<String, Object> props, List<FieldSpec> fields) {
            for (int i = 1; ; i++) {
                String candidateName = i == 1 ? fullName : fullName + "_" + i;
                Schema candidate = createRecord(candidateName, doc, props, fields);
                Schema existing = recordsByName.get(candidateName);
                if (existing == null) {
                    recordsByName.put(candidateName, candidate);
                    return candidate;
                }
                if (existing.equals(candidate)) {
                    return existing;
                }
            }
        }

        private static Schema createRecord(String fullName, String doc, Map<String, Object> props, List<FieldSpec> specs) {
            int dot = fullName.lastIndexOf('.');
            String namespace = dot < 0 ? null : fullName.substring(0, dot);
            String name = fullName.substring(dot + 1);
            List<Schema.Field> fields = new ArrayList<>(specs.size());
            for (FieldSpec spec : specs) {
                Schema.Field field = new Schema.Field(spec.avroName(), spec.avro(), null, defaultOf(spec));
                if (!spec.avroName().equals(spec.connectName())) {
                    field.addProp(ConnectAvro.FIELD_NAME, spec.connectName());
                }
                fields.add(field);
            }
            Schema record = Schema.createRecord(name, doc, namespace, false, fields);
            props.forEach(record::addProp);
            return record;
        }

        /** Avro field default: null for optional fields without a default, the Connect default as JSON otherwise. */
        private static Object defaultOf(FieldSpec spec) {
            org.apache.kafka.connect.data.Schema connect = spec.connect();
            if (connect.defaultValue() != null) {
                return AvroDefaults.toJson(connect, spec.avro(), connect.defaultValue());
            }
            return connect.isOptional() ? JsonProperties.NULL_VALUE : null;
        }

        private static void addConnectProps(Schema avro, org.apache.kafka.connect.data.Schema connect) {
            connectProps(connect).forEach(avro::addProp);
        }

        private static Map<String, Object> connectProps(org.apache.kafka.connect.data.Schema connect) {
            Map<String, Object> props = new LinkedHashMap<>();
            if (connect.name() != null) {
                props.put(ConnectAvro.NAME, connect.name());
            }
            if (connect.version() != null) {
                props.put(ConnectAvro.VERSION, connect.version());
            }
            if (connect.doc() != null) {
                props.put(ConnectAvro.DOC, connect.doc());
            }
            if (connect.parameters() != null && !connect.parameters().isEmpty()) {
                props.put(ConnectAvro.PARAMETERS, new LinkedHashMap<>(connect.parameters()));
            }
            return props;
        }

        private static Schema withProp(Schema schema, String key, String value) {
            schema.addProp(key, value);
            return schema;
        }
    }

    private record FieldSpec(String connectName, String avroName, Schema avro, org.apache.kafka.connect.data.Schema connect) {
    }
}
