package dev.sluice.sink.dialect;

import dev.sluice.sink.dialect.ColumnType.Kind;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Maps a Connect field schema (type plus logical/semantic schema name) to a {@link ColumnType}.
 * Names win over the physical type, so Debezium's {@code io.debezium.time.MicroTimestamp} (an int64) becomes a timestamp.
 * Arrays of scalars become {@link Kind#ARRAY}. Fails with a {@link DataException} for nested types (map, struct,
 * array of arrays) the sink cannot store yet.
 */
public final class ColumnTypes {
    public static final String CONNECT_DECIMAL = "org.apache.kafka.connect.data.Decimal";
    public static final String CONNECT_DATE = "org.apache.kafka.connect.data.Date";
    public static final String CONNECT_TIME = "org.apache.kafka.connect.data.Time";
    public static final String CONNECT_TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";
    public static final String DBZ_DATE = "io.debezium.time.Date";
    public static final String DBZ_TIMESTAMP = "io.debezium.time.Timestamp";
    public static final String DBZ_MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    public static final String DBZ_NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    public static final String DBZ_ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    public static final String DBZ_TIME = "io.debezium.time.Time";
    public static final String DBZ_MICRO_TIME = "io.debezium.time.MicroTime";
    public static final String DBZ_NANO_TIME = "io.debezium.time.NanoTime";
    public static final String DBZ_UUID = "io.debezium.data.Uuid";
    public static final String DBZ_JSON = "io.debezium.data.Json";
    public static final String DBZ_VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
    public static final String DBZ_ZONED_TIME = "io.debezium.time.ZonedTime";
    public static final String DBZ_MICRO_DURATION = "io.debezium.time.MicroDuration";
    public static final String DBZ_INTERVAL = "io.debezium.time.Interval";
    public static final String DECIMAL_PRECISION = "connect.decimal.precision";
    /** PostgreSQL's money is an int64 of its smallest unit: 19 digits hold every value. */
    private static final int MONEY_PRECISION = 19;

    private static final Map<String, Kind> BY_NAME = Map.ofEntries(
            Map.entry(CONNECT_DATE, Kind.DATE), Map.entry(CONNECT_TIME, Kind.TIME),
            Map.entry(CONNECT_TIMESTAMP, Kind.TIMESTAMP),
            Map.entry(DBZ_DATE, Kind.DATE), Map.entry(DBZ_TIMESTAMP, Kind.TIMESTAMP),
            Map.entry(DBZ_MICRO_TIMESTAMP, Kind.TIMESTAMP), Map.entry(DBZ_NANO_TIMESTAMP, Kind.TIMESTAMP),
            Map.entry(DBZ_ZONED_TIMESTAMP, Kind.TIMESTAMPTZ), Map.entry(DBZ_TIME, Kind.TIME),
            Map.entry(DBZ_MICRO_TIME, Kind.TIME), Map.entry(DBZ_NANO_TIME, Kind.TIME),
            Map.entry(DBZ_UUID, Kind.UUID), Map.entry(DBZ_JSON, Kind.JSON),
            Map.entry(DBZ_VARIABLE_SCALE_DECIMAL, Kind.VARIABLE_DECIMAL), Map.entry(DBZ_ZONED_TIME, Kind.TIMETZ),
            Map.entry(DBZ_MICRO_DURATION, Kind.INTERVAL), Map.entry(DBZ_INTERVAL, Kind.INTERVAL));

    private ColumnTypes() {
    }

    public static ColumnType of(String column, Schema schema) {
        String name = schema.name();
        if (CONNECT_DECIMAL.equals(name)) {
            Map<String, String> params = schema.parameters() == null ? Map.of() : schema.parameters();
            int scale = Integer.parseInt(params.getOrDefault("scale", "0"));
            int precision = Integer.parseInt(params.getOrDefault(DECIMAL_PRECISION, "0"));
            return ColumnType.decimal(precision == 0 && SourceTypes.isMoney(params) ? MONEY_PRECISION : precision, scale);
        }
        if (schema.type() == Schema.Type.STRING) {
            String source = SourceTypes.ofText(schema.parameters());
            if (source != null) {
                return ColumnType.sourceText(source);
            }
        }
        if (name != null && BY_NAME.containsKey(name)) {
            return ColumnType.of(BY_NAME.get(name));
        }
        return switch (schema.type()) {
            case INT8, INT16 -> ColumnType.of(Kind.SMALLINT);
            case INT32 -> ColumnType.of(Kind.INTEGER);
            case INT64 -> ColumnType.of(Kind.BIGINT);
            case FLOAT32 -> ColumnType.of(Kind.REAL);
            case FLOAT64 -> ColumnType.of(Kind.DOUBLE);
            case BOOLEAN -> ColumnType.of(Kind.BOOLEAN);
            case STRING -> ColumnType.of(Kind.TEXT);
            case BYTES -> ColumnType.of(Kind.BYTES);
            case ARRAY -> array(column, schema);
            default -> throw new DataException("Column '" + column + "' has Connect type " + schema.type()
                    + (name == null ? "" : " (" + name + ")")
                    + ", which the warehouse sink cannot store; flatten or drop it in the pipeline.");
        };
    }

    /** PostgreSQL arrays of scalars (text[], integer[], ...) become arrays in both warehouses; nested arrays do not. */
    private static ColumnType array(String column, Schema schema) {
        ColumnType element = of(column, schema.valueSchema());
        if (element.kind() == Kind.ARRAY) {
            throw new DataException("Column '" + column + "' is an array of arrays, which the warehouse sink cannot store;"
                    + " flatten or drop it in the pipeline.");
        }
        return ColumnType.array(element);
    }

    /**
     * The type a warehouse column holds, read from {@code information_schema.columns} (PostgreSQL or DuckDB spelling),
     * or null for a type the sink does not compare (arrays, anything it did not create): such columns are never altered.
     * An unconstrained PostgreSQL NUMERIC is a decimal of precision 0.
     */
    public static ColumnType stored(String dataType, Integer precision, Integer scale) {
        String t = dataType.toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("decimal") || t.startsWith("numeric")) {
            return ColumnType.decimal(precision == null ? 0 : precision, scale == null ? 0 : scale);
        }
        Kind kind = switch (t) {
            case "smallint", "int2" -> Kind.SMALLINT;
            case "integer", "int4", "int" -> Kind.INTEGER;
            case "bigint", "int8" -> Kind.BIGINT;
            case "real", "float", "float4" -> Kind.REAL;
            case "double precision", "double", "float8" -> Kind.DOUBLE;
            case "boolean" -> Kind.BOOLEAN;
            case "text", "varchar", "character varying" -> Kind.TEXT;
            case "bytea", "blob" -> Kind.BYTES;
            case "date" -> Kind.DATE;
            case "time", "time without time zone" -> Kind.TIME;
            case "timestamp", "timestamp without time zone" -> Kind.TIMESTAMP;
            case "timestamp with time zone", "timestamptz" -> Kind.TIMESTAMPTZ;
            case "time with time zone", "timetz" -> Kind.TIMETZ;
            case "interval" -> Kind.INTERVAL;
            case "uuid" -> Kind.UUID;
            default -> null;
        };
        if (t.equals("json") || t.equals("jsonb")) {
            // DuckDB's JSON is either: the sink compares types as the dialect spells them (SchemaChanges)
            return ColumnType.sourceText(t.toUpperCase(java.util.Locale.ROOT));
        }
        return kind == null ? null : ColumnType.of(kind);
    }

    /**
     * The type a stored column must change to so it can hold {@code incoming}, or null when it holds it already: the
     * same type, a narrower integer, float or decimal (a narrowing at the source needs no change), or anything into
     * text. Wider integers, floats and decimals widen (a decimal to the smallest one holding both); anything else
     * becomes the incoming type, converting stored values with a cast. A null (unknown) stored type is left alone.
     */
    public static ColumnType widened(ColumnType stored, ColumnType incoming) {
        if (stored == null || stored.equals(incoming) || stored.kind() == Kind.TEXT) {
            return null;
        }
        if (incoming.kind() == Kind.JSON && SourceTypes.isJson(stored)) {
            return null; // json of unknown origin (no source-type tag) fits a json or jsonb column alike
        }
        Kind s = stored.kind();
        Kind i = incoming.kind();
        if (integerDigits(s) > 0 && integerDigits(i) > 0) {
            return integerDigits(i) > integerDigits(s) ? incoming : null;
        }
        if (s == Kind.DOUBLE && (i == Kind.REAL || i == Kind.SMALLINT || i == Kind.INTEGER)) {
            return null;
        }
        if (s == Kind.REAL && i == Kind.SMALLINT) {
            return null;
        }
        if (s == Kind.DECIMAL && (i == Kind.DECIMAL || integerDigits(i) > 0)) {
            ColumnType asDecimal = i == Kind.DECIMAL ? incoming : ColumnType.decimal(integerDigits(i), 0);
            if (stored.precision() == 0) {
                return null; // unconstrained NUMERIC holds every decimal
            }
            if (asDecimal.precision() == 0) {
                return incoming;
            }
            int scale = Math.max(stored.scale(), asDecimal.scale());
            int digits = Math.max(stored.precision() - stored.scale(), asDecimal.precision() - asDecimal.scale());
            ColumnType union = ColumnType.decimal(digits + scale, scale);
            return union.equals(stored) ? null : union;
        }
        if (s == Kind.DECIMAL && i == Kind.VARIABLE_DECIMAL) {
            return stored.precision() == 0 ? null : incoming;
        }
        if (integerDigits(s) > 0 && i == Kind.DECIMAL && incoming.precision() > 0) {
            int digits = Math.max(integerDigits(s), incoming.precision() - incoming.scale());
            return ColumnType.decimal(digits + incoming.scale(), incoming.scale());
        }
        return incoming;
    }

    /** Decimal digits an integer kind holds; 0 for other kinds. */
    private static int integerDigits(Kind kind) {
        return switch (kind) {
            case SMALLINT -> 5;
            case INTEGER -> 10;
            case BIGINT -> 19;
            default -> 0;
        };
    }
}
