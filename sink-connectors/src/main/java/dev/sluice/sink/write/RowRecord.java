package dev.sluice.sink.write;

import dev.sluice.schemas.toast.UnavailableValue;
import dev.sluice.sink.dialect.ColumnType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One row-topic record, parsed: its target table, primary key (identity and columns), every column with its type and
 * JDBC value (key columns and the {@code __source_ts}/{@code __version}/{@code __deleted} columns included), and
 * where it came from. A column whose value the source did not send (Debezium's placeholder for an unchanged TOASTed
 * value) holds {@link Unchanged#VALUE}: the stored value must be kept.
 */
public record RowRecord(String table, TopicPartition partition, long offset, List<String> keyColumns, List<Object> keyIdentity,
                        Map<String, Column> columns, long version, Long sourceTs, boolean deleted) {

    public static final String SOURCE_TS = "__source_ts";
    public static final String VERSION = "__version";
    public static final String DELETED = "__deleted";
    /**
     * What Debezium sends for a TOASTed column the change did not touch: the {@code unavailable.value.placeholder}
     * cdc-ingest sets, which no text value can equal ({@link UnavailableValue}).
     */
    public static final String UNAVAILABLE_PLACEHOLDER = UnavailableValue.PLACEHOLDER;

    /** Marks a column value as "unchanged at the source, keep the stored one". */
    public enum Unchanged { VALUE }

    /**
     * A column's type, its value converted for JDBC (may be null or {@link Unchanged#VALUE}) and the field's schema
     * default converted the same way (null when it has none): what the source gives rows written before the column
     * was added, so the sink gives it to them too.
     */
    public record Column(ColumnType type, Object value, Object defaultValue) {
        public Column(ColumnType type, Object value) {
            this(type, value, null);
        }

        public boolean unchanged() {
            return value == Unchanged.VALUE;
        }
    }

    public boolean hasUnchanged() {
        for (Column column : columns.values()) { // per row and more than once: no stream
            if (column.unchanged()) {
                return true;
            }
        }
        return false;
    }

    /**
     * This row with each unchanged column taken from {@code other} where {@code other} has it: used when two versions
     * of a key meet in one batch and only the newer survives, so the older one's full value is not lost.
     */
    public RowRecord fillUnchangedFrom(RowRecord other) {
        Map<String, Column> filled = new LinkedHashMap<>(columns);
        boolean changed = false;
        for (Map.Entry<String, Column> e : columns.entrySet()) {
            Column theirs = other.columns.get(e.getKey());
            if (e.getValue().unchanged() && theirs != null && !theirs.unchanged()) {
                filled.put(e.getKey(), theirs);
                changed = true;
            }
        }
        return changed ? new RowRecord(table, partition, offset, keyColumns, keyIdentity, filled, version, sourceTs, deleted) : this;
    }
}
