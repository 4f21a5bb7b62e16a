package dev.sluice.sink.dialect.duckdb;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.SpecialValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.List;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Loads converted rows into a DuckDB temporary table with the Appender, which writes column vectors directly
 * instead of planning one INSERT per row. The appender joins the connection's open transaction.
 */
final class DuckDbAppenderLoad {
    private static final String TEMP_CATALOG = "temp";
    private static final String TEMP_SCHEMA = "main";

    private DuckDbAppenderLoad() {
    }

    static void load(DuckDBConnection connection, String stagingTable, List<ColumnType> types, List<Object[]> rows)
            throws SQLException {
        try (DuckDBAppender appender = connection.createAppender(TEMP_CATALOG, TEMP_SCHEMA, stagingTable)) {
            for (Object[] row : rows) {
                appender.beginRow();
                for (int i = 0; i < row.length; i++) {
                    append(appender, types.get(i), row[i]);
                }
                appender.endRow();
            }
            appender.flush();
        }
    }

    private static void append(DuckDBAppender appender, ColumnType type, Object value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else if (value instanceof SpecialValue special) {
            appendSpecial(appender, type, special);
        } else if (value instanceof BigDecimal d) {
            if (DuckDbDialect.fitsDecimal(type)) {
                appender.append(d.setScale(type.scale(), RoundingMode.HALF_UP)); // the appender wants the column's exact scale
            } else {
                appender.append(d.toPlainString()); // a VARCHAR column: the exact digits (DuckDbDialect)
            }
        } else if (value instanceof String s) {
            appender.append(s);
        } else if (value instanceof Long l) {
            appender.append(l.longValue());
        } else if (value instanceof Integer n) {
            appender.append(n.intValue());
        } else if (value instanceof Short n) {
            appender.append(n.shortValue());
        } else if (value instanceof Boolean b) {
            appender.append(b.booleanValue());
        } else if (value instanceof Double d) {
            appender.append(d.doubleValue());
        } else if (value instanceof Float f) {
            appender.append(f.floatValue());
        } else if (value instanceof byte[] b) {
            appender.append(b);
        } else if (value instanceof LocalDateTime t) {
            appender.append(t);
        } else if (value instanceof OffsetDateTime t) {
            appender.append(t);
        } else if (value instanceof LocalDate d) {
            appender.append(d);
        } else if (value instanceof LocalTime t) {
            appender.append(t);
        } else if (value instanceof UUID u) {
            appender.append(u);
        } else if (value instanceof OffsetTime t) {
            appender.append(t);
        } else if (value instanceof List<?> items) {
            appender.append(items);
        } else {
            throw new SQLException("No DuckDB appender mapping for " + value.getClass().getName() + " (" + type + ")");
        }
    }

    /**
     * DuckDB's own infinities: the ends of its TIMESTAMP/TIMESTAMPTZ (micros) and DATE (days) ranges. Its DECIMAL has
     * no NaN or infinity: such a row is refused ("Conversion Error", a data error), so the sink dead-letters it alone.
     */
    private static void appendSpecial(DuckDBAppender appender, ColumnType type, SpecialValue special) throws SQLException {
        boolean negative = special == SpecialValue.NEGATIVE_INFINITY;
        switch (type.kind()) {
            case TIMESTAMP, TIMESTAMPTZ -> appender.appendEpochMicros(negative ? -Long.MAX_VALUE : Long.MAX_VALUE);
            case DATE -> appender.appendEpochDays(negative ? -Integer.MAX_VALUE : Integer.MAX_VALUE);
            case VARIABLE_DECIMAL -> appender.append(special.text()); // a VARCHAR column (DuckDbDialect)
            default -> {
                if (type.kind() == ColumnType.Kind.DECIMAL && !DuckDbDialect.fitsDecimal(type)) {
                    appender.append(special.text());
                } else {
                    throw new SQLException("Conversion Error: DuckDB's " + type + " column cannot hold " + special.text()
                            + " (its DECIMAL has no NaN or infinity); the row goes to the dead-letter queue, a PostgreSQL "
                            + "warehouse keeps it");
                }
            }
        }
    }
}
