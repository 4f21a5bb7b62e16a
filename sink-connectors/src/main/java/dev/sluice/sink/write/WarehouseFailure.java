package dev.sluice.sink.write;

import java.sql.SQLException;
import java.util.List;

/**
 * Tells a row the warehouse refuses (a data error: a constraint it violates, a value its column type cannot take),
 * which is dead-lettered, from everything else (connection lost, database down, out of space), which is retried and
 * never dead-lettered. PostgreSQL says it by SQLSTATE class: 22 (data exception) and 23 (integrity constraint
 * violation). DuckDB's JDBC driver gives no SQLSTATE, only its error type at the start of the message.
 */
@FunctionalInterface
public interface WarehouseFailure {

    /** DuckDB error types that a single row's values cause. */
    List<String> DUCKDB_DATA_ERRORS = List.of("Constraint Error", "Conversion Error", "Out of Range Error", "Appender error",
            "Invalid Input Error");

    boolean isRefusal(SQLException e);

    /** The classification of PostgreSQL and DuckDB errors. */
    WarehouseFailure STANDARD = e -> {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (isCatalogRace(sql)) {
                    return false; // two tasks created the same table at once: the retry finds it there
                }
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return true;
                }
                if (state != null && state.startsWith("08")) {
                    return false; // connection exception
                }
            }
            String message = t.getMessage();
            if (message != null && DUCKDB_DATA_ERRORS.stream().anyMatch(message::contains)) {
                return true;
            }
        }
        return false;
    };

    /**
     * PostgreSQL's answer when two sessions run {@code CREATE TABLE IF NOT EXISTS} for one table at once: a unique
     * violation on a system catalog index ({@code pg_type_typname_nsp_index}), not on a user's table.
     */
    private static boolean isCatalogRace(SQLException e) {
        return "23505".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("unique constraint \"pg_");
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null && sql.getNextException() != t) {
            return sql.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
