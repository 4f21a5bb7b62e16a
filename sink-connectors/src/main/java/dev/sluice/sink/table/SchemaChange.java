package dev.sluice.sink.table;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;

/**
 * One way a batch no longer fits its target table: a field the table lacks ({@link Kind#ADD}), a field that replaced a
 * stored column of the same type at the same place ({@link Kind#RENAME}, {@code formerName} the stored column), or a
 * field whose type the stored column cannot hold ({@link Kind#TYPE}, from {@code from} to {@code to}).
 */
public record SchemaChange(Kind kind, String column, String formerName, ColumnType from, ColumnType to) {

    public enum Kind { ADD, RENAME, TYPE }

    static SchemaChange added(String column, ColumnType type) {
        return new SchemaChange(Kind.ADD, column, null, null, type);
    }

    static SchemaChange renamed(String former, String column, ColumnType type) {
        return new SchemaChange(Kind.RENAME, column, former, type, type);
    }

    static SchemaChange retyped(String column, ColumnType from, ColumnType to) {
        return new SchemaChange(Kind.TYPE, column, null, from, to);
    }

    /** The change in words, with types in the warehouse's spelling, e.g. "column 'qty' changed type from INTEGER to BIGINT". */
    public String describe(Dialect dialect) {
        return switch (kind) {
            case ADD -> "column '" + column + "' was added (" + dialect.sqlType(to) + ")";
            case RENAME -> "column '" + formerName + "' was renamed to '" + column + "'";
            case TYPE -> "column '" + column + "' changed type from " + dialect.sqlType(from) + " to " + dialect.sqlType(to);
        };
    }
}
