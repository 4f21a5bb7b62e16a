package dev.sluice.sink.dialect;

import java.math.BigDecimal;
import java.util.List;

/**
 * A converted value (see {@link JdbcValues}) as a SQL literal both PostgreSQL and DuckDB read, for DDL that cannot
 * take bind parameters: {@code ALTER TABLE ... ADD COLUMN c T DEFAULT <literal>} gives rows written before a column
 * was added at the source the default the source gave them. Text is single-quoted with quotes doubled; numbers and
 * booleans are plain; other values are {@code CAST('<text>' AS <type>)} in the dialect's spelling of the type.
 */
public final class SqlLiteral {

    private SqlLiteral() {
    }

    /** The literal, or null when the value has no portable literal (bytes, arrays): then carry no default. */
    public static String of(Dialect dialect, ColumnType type, Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[] || value instanceof List<?>) {
            return null;
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (value instanceof BigDecimal d) {
            return cast(dialect, type, d.toPlainString());
        }
        if ((value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f))) {
            return cast(dialect, type, value.toString()); // 'NaN', 'Infinity', '-Infinity'
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof String s && type.kind() == ColumnType.Kind.TEXT) {
            return quote(s);
        }
        return cast(dialect, type, value.toString()); // dates, times, UUID, JSON, intervals: their text form parses
    }

    private static String cast(Dialect dialect, ColumnType type, String text) {
        return "CAST(" + quote(text) + " AS " + dialect.sqlType(type) + ")";
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
