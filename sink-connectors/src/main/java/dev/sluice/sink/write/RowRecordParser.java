package dev.sluice.sink.write;

import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.JdbcValues;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
 * columns plus {@code __source_ts}, {@code __version}, {@code __deleted}. Fails with a {@link DataException}
 * naming the record when it does not follow that contract.
 */
public final class RowRecordParser {
    private static final ColumnType BIGINT = ColumnType.of(ColumnType.Kind.BIGINT);
    private static final ColumnType BOOLEAN = ColumnType.of(ColumnType.Kind.BOOLEAN);

    private final TableNameFormat tableNames;

    public RowRecordParser(TableNameFormat tableNames) {
        this.tableNames = tableNames;
    }

    /** The parsed row, or null for a tombstone (no value), which row topics do not use and the sink skips. */
    public RowRecord parse(SinkRecord record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.key() instanceof Struct key)) {
            throw new DataException(where(record) + " has no Struct key; the sink needs the primary key as the record key "
                    + "(row topics, docs/CONTRACTS.md), so use a converter with schemas (AvroConverter).");
        }
        if (!(record.value() instanceof Struct value)) {
            throw new DataException(where(record) + " has a value that is not a Struct; use a converter with schemas (AvroConverter).");
        }
        Field versionField = value.schema().field(RowRecord.VERSION);
        if (versionField == null || value.get(versionField) == null) {
            throw new DataException(where(record) + " lacks " + RowRecord.VERSION
                    + "; the sink reads row topics (docs/CONTRACTS.md), not raw change topics.");
        }
        long version = ((Number) value.get(versionField)).longValue();
        Long sourceTs = longOrNull(value, RowRecord.SOURCE_TS);
        Field deletedField = value.schema().field(RowRecord.DELETED);
        boolean deleted = deletedField != null && Boolean.TRUE.equals(value.get(deletedField));

        Map<String, RowRecord.Column> columns = new LinkedHashMap<>();
        List<String> keyColumns = new ArrayList<>();
        List<Object> identity = new ArrayList<>();
        for (Field f : key.schema().fields()) {
            RowRecord.Column column = column(f.name(), f.schema(), key.get(f));
            keyColumns.add(f.name());
            identity.add(column.value() instanceof byte[] b ? ByteBuffer.wrap(b) : column.value());
            columns.put(f.name(), column);
        }
        for (Field f : value.schema().fields()) {
            String name = f.name();
            if (name.equals(RowRecord.VERSION) || name.equals(RowRecord.SOURCE_TS) || name.equals(RowRecord.DELETED)
                    || columns.containsKey(name)) {
                continue;
            }
            columns.put(name, column(name, f.schema(), value.get(f)));
        }
        columns.put(RowRecord.SOURCE_TS, new RowRecord.Column(BIGINT, sourceTs));
        columns.put(RowRecord.VERSION, new RowRecord.Column(BIGINT, version));
        columns.put(RowRecord.DELETED, new RowRecord.Column(BOOLEAN, deleted));
        return new RowRecord(tableNames.tableFor(record.topic()), new TopicPartition(record.topic(), record.kafkaPartition()),
                record.kafkaOffset(), keyColumns, identity, columns, version, sourceTs, deleted);
    }

    private static RowRecord.Column column(String name, Schema schema, Object value) {
        ColumnType type = ColumnTypes.of(name, schema);
        return new RowRecord.Column(type, JdbcValues.toJdbc(name, schema, type, value));
    }

    private static Long longOrNull(Struct value, String field) {
        Field f = value.schema().field(field);
        Object v = f == null ? null : value.get(f);
        return v == null ? null : ((Number) v).longValue();
    }

    private static String where(SinkRecord r) {
        return "Record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset();
    }
}
