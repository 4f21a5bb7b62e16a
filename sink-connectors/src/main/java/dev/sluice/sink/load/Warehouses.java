package dev.sluice.sink.load;

import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads a warehouse the way a user would; DuckDB through the worker JVM's instance (one process per file). */
public final class Warehouses {
    private Warehouses() {
    }

    /** Each row as its columns' text joined by '|'. */
    public static List<String> query(String url, String user, String sql) throws SQLException {
        if (url.startsWith("jdbc:duckdb:")) {
            try (WarehouseConnection c = SharedDuckDb.acquire(url)) {
                return read(c.jdbc(), sql);
            }
        }
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            return read(c, sql);
        }
    }

    private static List<String> read(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    b.append(i > 1 ? "|" : "").append(o instanceof Boolean ? o.toString() : rs.getString(i));
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }
}
