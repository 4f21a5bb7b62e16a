package dev.sluice.sink.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;

/**
 * A task's JDBC connection plus the lock that serializes writers of the same database
 * (one per DuckDB file; uncontended for PostgreSQL). Closing it releases what the dialect opened.
 */
public final class WarehouseConnection implements AutoCloseable {
    /** Releases the connection the way the dialect opened it. */
    @FunctionalInterface
    public interface Closer {
        void close() throws SQLException;
    }

    private final Connection jdbc;
    private final Lock writeLock;
    private final Closer closer;

    public WarehouseConnection(Connection jdbc, Lock writeLock, Closer closer) {
        this.jdbc = jdbc;
        this.writeLock = writeLock;
        this.closer = closer;
    }

    public Connection jdbc() {
        return jdbc;
    }

    /** Hold it for a whole write transaction, DDL included. */
    public Lock writeLock() {
        return writeLock;
    }

    @Override
    public void close() throws SQLException {
        closer.close();
    }
}
