package dev.sluice.sink.dialect.postgres;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.Identifiers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** PostgreSQL: one connection per task; rows reach the staging table through COPY. */
public final class PostgresDialect implements Dialect {
    private static final String PREFIX = "jdbc:postgresql:";
    private static final int COPY_CHUNK_CHARS = 256 * 1024;

    /** NAMEDATALEN - 1: PostgreSQL silently cuts a longer name, so two long names could become one table. */
    @Override
    public int maxNameBytes() {
        return 63;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith(PREFIX);
    }

    @Override
    public WarehouseConnection connect(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "sluice-sink");
        Connection c = DriverManager.getConnection(jdbcUrl, props);
        // PostgreSQL serializes conflicting writers itself; the lock only keeps the interface uniform.
        return new WarehouseConnection(c, new ReentrantLock(), c::close);
    }

    @Override
    public String sqlType(ColumnType type) {
        return switch (type.kind()) {
            case SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case REAL -> "REAL";
            case DOUBLE -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
            case TEXT -> "TEXT";
            case BYTES -> "BYTEA";
            case DECIMAL -> type.precision() > 0 ? "NUMERIC(" + type.precision() + ", " + type.scale() + ")" : "NUMERIC";
            case VARIABLE_DECIMAL -> "NUMERIC";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMPTZ";
            case TIMETZ -> "TIMETZ";
            case INTERVAL -> "INTERVAL";
            case UUID -> "UUID";
            case JSON -> "JSONB";
            case ARRAY -> sqlType(type.element()) + "[]";
            case SOURCE_TEXT -> type.source(); // the source's own type: COPY and binds parse the text exactly
        };
    }

    /** Streams the rows through COPY ... FROM STDIN (CSV), in chunks so a large batch never sits in memory twice. */
    @Override
    public void loadStaging(WarehouseConnection connection, String stagingTable, List<String> columns, List<ColumnType> types,
                            List<Object[]> rows) throws SQLException {
        String sql = "COPY " + Identifiers.quote(stagingTable) + " (" + columns.stream().map(Identifiers::quote)
                .collect(Collectors.joining(", ")) + ") FROM STDIN WITH (FORMAT csv)";
        CopyIn copy = connection.jdbc().unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder chunk = new StringBuilder(COPY_CHUNK_CHARS + 1024);
            for (Object[] row : rows) {
                CopyCsv.appendRow(chunk, row);
                if (chunk.length() >= COPY_CHUNK_CHARS) {
                    send(copy, chunk);
                }
            }
            send(copy, chunk);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void send(CopyIn copy, StringBuilder chunk) throws SQLException {
        if (chunk.length() > 0) {
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            chunk.setLength(0);
        }
    }

    @Override
    public void bind(PreparedStatement statement, int index, ColumnType type, Object value) throws SQLException {
        if (value != null && (type.kind() == ColumnType.Kind.JSON || type.kind() == ColumnType.Kind.INTERVAL
                || type.kind() == ColumnType.Kind.SOURCE_TEXT)) {
            statement.setObject(index, value, Types.OTHER); // lets the server parse the text as jsonb, interval, bit, ...
        } else {
            Dialect.super.bind(statement, index, type, value);
        }
    }
}
