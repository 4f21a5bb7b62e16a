package dev.sluice.cli.types;

import dev.sluice.cli.reconcile.ValueNormalizer;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads one column as a plain Java value chosen by the SOURCE type, through the reconciler's own
 * {@link ValueNormalizer}: equal values compare equal whatever the database and its driver.
 */
final class TypedValues {

    private TypedValues() {
    }

    static Object read(ResultSet rs, String column, String sourceType, boolean duckDb) throws SQLException {
        return ValueNormalizer.read(rs, rs.findColumn(column), sourceType);
    }
}
