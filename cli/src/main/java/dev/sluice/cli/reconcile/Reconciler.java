package dev.sluice.cli.reconcile;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.ingest.source.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * Compares replicated tables between the source and the warehouse, row by row and value by value.
 * Rows are matched by primary key; soft-deleted warehouse rows ({@code __deleted}) count as absent.
 * The source is read in one REPEATABLE READ transaction so every table is compared at one moment.
 */
public final class Reconciler {

    /** Differing keys a comparison names (the first found), enough to trace a fault without flooding a report. */
    public static final int KEYS_KEPT = 3;
    private static final String VERSION = "__version";

    private final String sourceJdbcUrl;
    private final Properties sourceProps;
    private final String warehouseJdbcUrl;
    private final Properties warehouseProps;
    private final Function<TableId, String> warehouseTable;

    /** Compares each source table with the warehouse table of the sink's default table.name.format. */
    public Reconciler(String sourceJdbcUrl, String sourceUser, String sourcePassword,
                      String warehouseJdbcUrl, String warehouseUser, String warehousePassword) {
        this(sourceJdbcUrl, sourceUser, sourcePassword, warehouseJdbcUrl, warehouseUser, warehousePassword,
                new WarehouseTarget(warehouseJdbcUrl, warehouseUser, warehousePassword)::tableFor);
    }

    /** @param warehouseTable the warehouse table a source table lands in (the sink's table.name.format) */
    public Reconciler(String sourceJdbcUrl, String sourceUser, String sourcePassword,
                      String warehouseJdbcUrl, String warehouseUser, String warehousePassword,
                      Function<TableId, String> warehouseTable) {
        this.warehouseTable = warehouseTable;
        this.sourceJdbcUrl = sourceJdbcUrl;
        this.sourceProps = credentials(sourceUser, sourcePassword);
        this.warehouseJdbcUrl = warehouseJdbcUrl;
        this.warehouseProps = credentials(warehouseUser, warehousePassword);
    }

    public List<TableComparison> compare(List<String> tables) throws SQLException {
        List<TableComparison> results = new ArrayList<>();
        try (Connection source = DriverManager.getConnection(sourceJdbcUrl, sourceProps);
             Connection warehouse = DriverManager.getConnection(warehouseJdbcUrl, warehouseProps)) {
            source.setAutoCommit(false);
            source.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            for (String table : tables) {
                results.add(compareTable(source, warehouse, TableShape.read(source, table)));
            }
            source.rollback();
        }
        return results;
    }

    private TableComparison compareTable(Connection source, Connection warehouse, TableShape shape) throws SQLException {
        String name = shape.schema() + "." + shape.table();
        Map<List<Object>, Long> versions = new HashMap<>();
        Map<List<Object>, List<Object>> warehouseRows = readWarehouse(warehouse, shape, versions);
        long warehouseCount = warehouseRows.size();
        long sourceCount = 0;
        long missing = 0;
        long different = 0;
        String example = null;
        List<TableComparison.KeyDifference> keys = new ArrayList<>();
        try (Statement s = source.createStatement()) {
            s.setFetchSize(5_000);
            try (ResultSet rs = s.executeQuery("SELECT " + shape.selectList() + " FROM "
                    + TableShape.quote(shape.schema()) + "." + TableShape.quote(shape.table()))) {
                while (rs.next()) {
                    sourceCount++;
                    List<Object> row = readRow(rs, shape);
                    List<Object> key = keyOf(row, shape);
                    List<Object> stored = warehouseRows.remove(key);
                    if (stored == null) {
                        missing++;
                        example = example == null ? "missing key " + key : example;
                        keep(keys, key, "missing", null);
                    } else if (!stored.equals(row)) {
                        different++;
                        example = example == null ? "key " + key + " source " + row + " warehouse " + stored : example;
                        keep(keys, key, "different", versions.get(key));
                    }
                }
            }
        }
        long extra = warehouseRows.size();
        if (example == null && extra > 0) {
            example = "extra key " + warehouseRows.keySet().iterator().next();
        }
        warehouseRows.keySet().forEach(key -> keep(keys, key, "extra", versions.get(key)));
        return new TableComparison(name, sourceCount, warehouseCount, missing, extra, different, example, keys);
    }

    private static void keep(List<TableComparison.KeyDifference> keys, List<Object> key, String kind, Long version) {
        if (keys.size() < KEYS_KEPT) {
            keys.add(new TableComparison.KeyDifference(key.toString(), kind, version));
        }
    }

    /** The warehouse's live rows by key; {@code versions} gets each row's {@code __version} when the table has one. */
    private Map<List<Object>, List<Object>> readWarehouse(Connection warehouse, TableShape shape,
                                                          Map<List<Object>, Long> versions) throws SQLException {
        Map<List<Object>, List<Object>> rows = new HashMap<>();
        String target = TableShape.quote(warehouseTable.apply(new TableId(shape.schema(), shape.table())));
        boolean softDeletes;
        boolean versioned;
        try (Statement s = warehouse.createStatement()) {
            try (ResultSet probe = s.executeQuery("SELECT * FROM " + target + " WHERE 1 = 0")) {
                softDeletes = hasColumn(probe, "__deleted");
                versioned = hasColumn(probe, VERSION);
            }
        } catch (SQLException tableMissing) {
            return rows;
        }
        String where = softDeletes ? " WHERE \"__deleted\" IS NOT TRUE" : "";
        try (Statement s = warehouse.createStatement()) {
            s.setFetchSize(5_000);
            String version = versioned ? ", " + TableShape.quote(VERSION) : "";
            try (ResultSet rs = s.executeQuery("SELECT " + shape.selectList() + version + " FROM " + target + where)) {
                while (rs.next()) {
                    List<Object> row = readRow(rs, shape);
                    rows.put(keyOf(row, shape), row);
                    if (versioned) {
                        long v = rs.getLong(shape.columns().size() + 1);
                        versions.put(keyOf(row, shape), rs.wasNull() ? null : v);
                    }
                }
            }
        }
        return rows;
    }

    private static boolean hasColumn(ResultSet rs, String column) throws SQLException {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            if (rs.getMetaData().getColumnName(i).equalsIgnoreCase(column)) {
                return true;
            }
        }
        return false;
    }

    private static List<Object> readRow(ResultSet rs, TableShape shape) throws SQLException {
        List<Object> row = new ArrayList<>(shape.columns().size());
        for (int i = 0; i < shape.columns().size(); i++) {
            row.add(ValueNormalizer.read(rs, i + 1, shape.sourceTypes().get(i)));
        }
        return row;
    }

    private static List<Object> keyOf(List<Object> row, TableShape shape) {
        List<Object> key = new ArrayList<>(shape.keyColumns().size());
        for (String column : shape.keyColumns()) {
            key.add(row.get(shape.columns().indexOf(column)));
        }
        return key;
    }

    private static Properties credentials(String user, String password) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    /** What a reconcile that compared no table says (it fails: an empty comparison proves nothing). */
    public static final String NOTHING_COMPARED = "Reconcile compared no table: the source has no table with a primary"
            + " key to compare, or none was named; pass --tables SCHEMA.TABLE,... or check the source database.";

    /** True when every comparison matched. */
    public static boolean allMatch(List<TableComparison> results) {
        // nothing compared proves nothing: a reconcile that found no table must not pass
        return !results.isEmpty() && results.stream().allMatch(TableComparison::matches) && results.stream().noneMatch(Objects::isNull);
    }
}
