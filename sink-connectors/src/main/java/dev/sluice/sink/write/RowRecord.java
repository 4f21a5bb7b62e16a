package dev.sluice.sink.write;

import dev.sluice.sink.dialect.ColumnType;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One row-topic record, parsed: its target table, primary key (identity and columns), every column with its type and
 * JDBC value (key columns and the {@code __source_ts}/{@code __version}/{@code __deleted} columns included), and
 * where it came from.
 */
public record RowRecord(String table, TopicPartition partition, long offset, List<String> keyColumns, List<Object> keyIdentity,
                        Map<String, Column> columns, long version, Long sourceTs, boolean deleted) {

    public static final String SOURCE_TS = "__source_ts";
    public static final String VERSION = "__version";
    public static final String DELETED = "__deleted";

    /** A column's type and its value converted for JDBC (may be null). */
    public record Column(ColumnType type, Object value) {
    }
}
