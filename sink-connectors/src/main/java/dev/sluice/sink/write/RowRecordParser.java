package dev.sluice.sink.write;

import dev.sluice.schemas.toast.UnavailableValue;
import dev.sluice.sink.config.PkMode;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.JdbcValues;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads a {@link SinkRecord} of a row topic (docs/CONTRACTS.md): key = primary-key Struct, value = Struct of the
 * columns plus {@code __source_ts}, {@code __version}, {@code __deleted}. The primary key follows {@code pk.mode} and
 * {@code pk.fields}. A non-key column holding Debezium's unavailable-value placeholder (text, its bytes for a binary
 * column, or an array holding it: {@link UnavailableValue}) is marked {@link RowRecord.Unchanged}, whatever the column's type. Fails with a {@link DataException}
 * naming the record when it does not follow that contract or lacks a {@code pk.fields} column.
 */
public final class RowRecordParser {
    private static final ColumnType BIGINT = ColumnType.of(ColumnType.Kind.BIGINT);
    private static final ColumnType BOOLEAN = ColumnType.of(ColumnType.Kind.BOOLEAN);

    private final TableNameFormat tableNames;
    private final PkMode pkMode;
    private final List<String> pkFields;
    private final Map<Schema, Map<String, ColumnType>> types = new IdentityHashMap<>();
    private final Map<Schema, ValuePlan> valuePlans = new IdentityHashMap<>();
    private final Map<String, Map<Integer, TopicPartition>> partitions = new HashMap<>();
    private final Map<Schema, List<String>> keyNames = new IdentityHashMap<>();
    private final Map<String, String> tables = new HashMap<>();

    public RowRecordParser(TableNameFormat tableNames) {
        this(tableNames, PkMode.RECORD_KEY, List.of());
    }

    public RowRecordParser(TableNameFormat tableNames, PkMode pkMode, List<String> pkFields) {
        this.tableNames = tableNames;
        this.pkMode = pkMode;
        this.pkFields = List.copyOf(pkFields);
    }

    /** The parsed row, or null for a tombstone (no value), which row topics do not use and the sink skips. */
    public RowRecord parse(SinkRecord record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.value() instanceof Struct value)) {
            throw new DataException(where(record) + " has a value that is not a Struct; use a converter with schemas (AvroConverter).");
        }
        ValuePlan plan = valuePlan(value.schema());
        if (plan.version() == null || value.get(plan.version()) == null) {
            throw new DataException(where(record) + " lacks " + RowRecord.VERSION
                    + "; the sink reads row topics (docs/CONTRACTS.md), not raw change topics.");
        }
        long version = ((Number) value.get(plan.version())).longValue();
        Object sourceTsValue = plan.sourceTs() == null ? null : value.get(plan.sourceTs());
        Long sourceTs = sourceTsValue == null ? null : ((Number) sourceTsValue).longValue();
        boolean deleted = plan.deleted() != null && Boolean.TRUE.equals(value.get(plan.deleted()));

        Map<String, RowRecord.Column> columns = new LinkedHashMap<>(plan.capacity());
        List<String> keyColumns = new ArrayList<>();
        List<Object> identity = new ArrayList<>();
        Struct keySource = keySource(record, value);
        if (keySource == null) {
            // no key: every record is its own row
            identity.addAll(List.of(record.topic(), record.kafkaPartition(), record.kafkaOffset()));
        } else {
            for (String name : keyFieldNames(record, keySource)) {
                Field f = keySource.schema().field(name);
                ColumnType type = typeOf(name, f.schema());
                RowRecord.Column column = new RowRecord.Column(type, JdbcValues.toJdbc(name, f.schema(), type, keySource.get(f)));
                if (column.value() == null) {
                    throw new DataException(where(record) + " has no value for primary-key column '" + name
                            + "'; a key column must not be null.");
                }
                keyColumns.add(name);
                identity.add(column.value() instanceof byte[] b ? ByteBuffer.wrap(b) : column.value());
                columns.put(name, column);
            }
        }
        Field[] fields = plan.columns();
        ColumnType[] fieldTypes = plan.types();
        Object[] fieldDefaults = plan.defaults();
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            if (!keyColumns.isEmpty() && columns.containsKey(f.name())) {
                continue; // a key column, already added
            }
            // without the default: Struct.get would turn a NULL the source holds into the field's default
            columns.put(f.name(), column(f.name(), f.schema(), fieldTypes[i], fieldDefaults[i],
                    value.getWithoutDefault(f.name())));
        }
        columns.put(RowRecord.SOURCE_TS, new RowRecord.Column(BIGINT, sourceTs));
        columns.put(RowRecord.VERSION, new RowRecord.Column(BIGINT, version));
        columns.put(RowRecord.DELETED, new RowRecord.Column(BOOLEAN, deleted));
        String table = tables.computeIfAbsent(record.topic(), tableNames::tableFor);
        return new RowRecord(table, partition(record.topic(), record.kafkaPartition()),
                record.kafkaOffset(), keyColumns, identity, columns, version, sourceTs, deleted);
    }

    /** The warehouse table a topic's records go to ({@code table.name.format}). */
    public String tableFor(String topic) {
        return tables.computeIfAbsent(topic, tableNames::tableFor);
    }

    /** One TopicPartition instance per partition, not one per record. */
    public TopicPartition partition(String topic, int partition) {
        return partitions.computeIfAbsent(topic, t -> new HashMap<>()).computeIfAbsent(partition, p -> new TopicPartition(topic, p));
    }

    /**
     * A value schema's meta fields and its other fields with their column types, worked out once per schema instance
     * (converters reuse one per schema version) instead of by name for every record.
     */
    private record ValuePlan(Field version, Field sourceTs, Field deleted, Field[] columns, ColumnType[] types,
                             Object[] defaults) {
        int capacity() {
            return (int) ((columns.length + 4) / 0.75f) + 1;
        }
    }

    private ValuePlan valuePlan(Schema schema) {
        ValuePlan plan = valuePlans.get(schema);
        if (plan == null) {
            if (valuePlans.size() > 1_000) {
                valuePlans.clear(); // as for types: a converter building a new Schema per record must not grow this forever
            }
            List<Field> columns = new ArrayList<>();
            List<ColumnType> columnTypes = new ArrayList<>();
            List<Object> defaults = new ArrayList<>();
            for (Field f : schema.fields()) {
                if (!f.name().equals(RowRecord.VERSION) && !f.name().equals(RowRecord.SOURCE_TS) && !f.name().equals(RowRecord.DELETED)) {
                    columns.add(f);
                    ColumnType type = typeOf(f.name(), f.schema());
                    columnTypes.add(type);
                    defaults.add(defaultOf(f.name(), f.schema(), type));
                }
            }
            plan = new ValuePlan(schema.field(RowRecord.VERSION), schema.field(RowRecord.SOURCE_TS), schema.field(RowRecord.DELETED),
                    columns.toArray(Field[]::new), columnTypes.toArray(ColumnType[]::new), defaults.toArray());
            valuePlans.put(schema, plan);
        }
        return plan;
    }

    /** The Struct the primary key is read from, or null without a key (pk.mode=none). */
    private Struct keySource(SinkRecord record, Struct value) {
        return switch (pkMode) {
            case NONE -> null;
            case RECORD_VALUE -> value;
            case RECORD_KEY -> {
                if (!(record.key() instanceof Struct key)) {
                    throw new DataException(where(record) + " has no Struct key; the sink needs the primary key as the record "
                            + "key (row topics, docs/CONTRACTS.md), so use a converter with schemas (AvroConverter), or set "
                            + "pk.mode=record_value with pk.fields.");
                }
                yield key;
            }
        };
    }

    private List<String> keyFieldNames(SinkRecord record, Struct source) {
        if (pkFields.isEmpty()) {
            return keyNames.computeIfAbsent(source.schema(), s -> s.fields().stream().map(Field::name).toList());
        }
        for (String name : pkFields) {
            if (source.schema().field(name) == null) {
                throw new DataException(where(record) + ": pk.fields names column '" + name + "', which the record "
                        + (pkMode == PkMode.RECORD_KEY ? "key" : "value") + " lacks (its fields: "
                        + source.schema().fields().stream().map(Field::name).toList() + "); fix pk.fields.");
            }
        }
        return pkFields;
    }

    /**
     * Column types per field schema, by identity: converters hand out the same Schema instance for every record of a
     * schema version, and the mapping runs for every field of every record otherwise.
     */
    private ColumnType typeOf(String name, Schema schema) {
        Map<String, ColumnType> byName = types.get(schema);
        if (byName == null) {
            if (types.size() > 1_000) {
                types.clear(); // converters that build a new Schema per record would otherwise grow this forever
                keyNames.clear();
            }
            byName = new HashMap<>();
            types.put(schema, byName);
        }
        ColumnType type = byName.get(name);
        if (type == null) {
            type = ColumnTypes.of(name, schema);
            byName.put(name, type);
        }
        return type;
    }

    private RowRecord.Column column(String name, Schema schema, ColumnType type, Object defaultValue, Object value) {
        if (UnavailableValue.isPlaceholder(value)) {
            return new RowRecord.Column(type, RowRecord.Unchanged.VALUE);
        }
        return new RowRecord.Column(type, JdbcValues.toJdbc(name, schema, type, value), defaultValue);
    }

    /** The field's default as a JDBC value; null without one, or when it does not convert (then rows get NULL). */
    private static Object defaultOf(String name, Schema schema, ColumnType type) {
        if (schema.defaultValue() == null) {
            return null;
        }
        try {
            return JdbcValues.toJdbc(name, schema, type, schema.defaultValue());
        } catch (DataException e) {
            return null;
        }
    }

    private static String where(SinkRecord r) {
        return "Record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset();
    }
}
