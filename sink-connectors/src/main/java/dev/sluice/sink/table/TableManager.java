package dev.sluice.sink.table;

import dev.sluice.sink.config.SchemaChangePolicy;
import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Identifiers;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.write.TableShape;
import dev.sluice.sink.write.UpsertSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a target table able to take a batch: creates it from the batch's shape (auto.create), and when the batch no
 * longer fits it ({@link SchemaChanges}) applies {@code schema.change.policy}: evolve (add nullable columns with the
 * source's default for stored rows, rename, widen types; a key column DuckDB cannot alter by copying the table),
 * fail (a {@link ConnectException} naming table, columns and changes, thrown before anything of the batch is
 * written) or ignore (the shape without the fields the table lacks).
 * A column the source dropped stays: rows written later get NULL there. Known columns are cached per table;
 * {@link #invalidate()} after a rollback, since DDL run in a failed transaction is undone.
 */
public final class TableManager {
    private static final Logger LOG = LoggerFactory.getLogger(TableManager.class);

    private final Dialect dialect;
    private final UpsertSql sql;
    private final boolean autoCreate;
    private final SchemaChangePolicy policy;
    /** Per table its columns in order with their types (null: a type the sink does not compare). */
    private final Map<String, Map<String, ColumnType>> knownColumns = new HashMap<>();

    public TableManager(Dialect dialect, boolean autoCreate, SchemaChangePolicy policy) {
        this.dialect = dialect;
        this.sql = new UpsertSql(dialect);
        this.autoCreate = autoCreate;
        this.policy = policy;
    }

    /** Runs the DDL the shape needs on the connection's current transaction and returns the shape to write. */
    public TableShape ensure(WarehouseConnection connection, String table, TableShape shape) throws SQLException {
        Map<String, ColumnType> stored = knownColumns.get(table);
        if (stored == null) {
            stored = storedColumns(connection, table);
            knownColumns.put(table, stored);
        }
        if (stored.isEmpty()) {
            if (!autoCreate) {
                throw new ConnectException("Table '" + table + "' does not exist; create it or set auto.create=true.");
            }
            execute(connection, sql.createTable(table, shape));
            stored.putAll(shape.columns());
            return shape;
        }
        List<SchemaChange> changes = SchemaChanges.between(stored, shape, dialect);
        if (changes.isEmpty()) {
            return shape;
        }
        return switch (policy) {
            case FAIL -> throw new ConnectException(failure(table, changes));
            case IGNORE -> shape.without(changes.stream().map(SchemaChange::column)
                    .filter(c -> !shape.keyColumns().contains(c)).toList());
            case EVOLVE -> evolve(connection, table, shape, changes);
        };
    }

    private TableShape evolve(WarehouseConnection connection, String table, TableShape shape, List<SchemaChange> changes)
            throws SQLException {
        Map<String, String> renames = new LinkedHashMap<>();
        Map<String, ColumnType> keyTypes = new LinkedHashMap<>();
        for (SchemaChange change : changes) {
            LOG.info("Evolving table '{}': {}", table, change.describe(dialect));
            if (change.kind() == SchemaChange.Kind.TYPE && shape.keyColumns().contains(change.column())
                    && !dialect.canAlterKeyColumnType()) {
                keyTypes.put(change.column(), change.to()); // after the other changes, by copying the table
                continue;
            }
            switch (change.kind()) {
                case ADD -> {
                    for (String ddl : sql.addColumn(table, change.column(), change.to(), shape.defaultOf(change.column()))) {
                        execute(connection, ddl);
                    }
                }
                case RENAME -> {
                    execute(connection, sql.renameColumn(table, change.formerName(), change.column()));
                    renames.put(change.formerName(), change.column());
                }
                case TYPE -> execute(connection, sql.alterType(table, change.column(), change.to()));
            }
        }
        if (!keyTypes.isEmpty()) {
            rebuild(connection, table, shape.renamed(renames).keyColumns(), keyTypes);
        }
        Map<String, ColumnType> stored = knownColumns.get(table);
        Map<String, ColumnType> evolved = new LinkedHashMap<>();
        stored.forEach((name, type) -> evolved.put(renames.getOrDefault(name, name), type));
        for (SchemaChange change : changes) {
            if (change.kind() != SchemaChange.Kind.RENAME) {
                evolved.put(change.column(), change.to());
            }
        }
        knownColumns.put(table, evolved);
        return shape.renamed(renames);
    }

    /**
     * Gives key columns new types where the database cannot ALTER them (DuckDB): renames the table aside, creates it
     * again with the same columns (as information_schema spells them, so every type survives) and the new key types,
     * copies the rows and drops the old one, all in the batch's transaction. Costs a copy of the table, once.
     */
    private void rebuild(WarehouseConnection connection, String table, List<String> keyColumns, Map<String, ColumnType> keyTypes)
            throws SQLException {
        List<String> definitions = new ArrayList<>();
        try (PreparedStatement ps = connection.jdbc().prepareStatement("SELECT column_name, data_type FROM"
                + " information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String type = keyTypes.containsKey(name) ? dialect.sqlType(keyTypes.get(name)) : rs.getString(2);
                    definitions.add(Identifiers.quote(name) + " " + type + (keyColumns.contains(name) ? " NOT NULL" : ""));
                }
            }
        }
        for (String statement : sql.rebuild(table, table + "__sluice_rebuild", definitions, keyColumns)) {
            execute(connection, statement);
        }
    }

    private String failure(String table, List<SchemaChange> changes) {
        return "Table '" + table + "' changed at the source: "
                + changes.stream().map(c -> c.describe(dialect)).collect(Collectors.joining(", "))
                + "; schema.change.policy=fail stopped the sink before writing this batch (nothing is lost): apply the"
                + " change to the warehouse table yourself or set schema.change.policy=evolve (or ignore), then restart"
                + " the connector.";
    }

    public void invalidate() {
        knownColumns.clear();
    }

    /** The table's column names in the current schema; empty when the table does not exist. */
    public static Set<String> columnsOf(WarehouseConnection connection, String table) throws SQLException {
        return storedColumns(connection, table).keySet();
    }

    /** The table's columns in order with their types; empty when the table does not exist. */
    static Map<String, ColumnType> storedColumns(WarehouseConnection connection, String table) throws SQLException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.jdbc().prepareStatement("SELECT column_name, data_type, numeric_precision,"
                + " numeric_scale FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
                + " ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), ColumnTypes.stored(rs.getString(2), rs.getObject(3, Integer.class),
                            rs.getObject(4, Integer.class)));
                }
            }
        }
        return columns;
    }

    private static void execute(WarehouseConnection connection, String ddl) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute(ddl);
        }
    }
}
