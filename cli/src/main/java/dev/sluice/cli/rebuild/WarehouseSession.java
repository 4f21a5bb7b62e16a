package dev.sluice.cli.rebuild;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;

/**
 * One connection to the warehouse for the rebuild commands. A DuckDB file is opened through the sink's shared
 * instance (so a test or a process that runs the sink can use it too), and a change holds the file's write lock for
 * its whole transaction, as the sink's batches do.
 */
final class WarehouseSession implements AutoCloseable {

    private final Connection jdbc;
    private final Lock writeLock;
    private final AutoCloseable closer;

    private WarehouseSession(Connection jdbc, Lock writeLock, AutoCloseable closer) {
        this.jdbc = jdbc;
        this.writeLock = writeLock;
        this.closer = closer;
    }

    static WarehouseSession open(WarehouseTarget warehouse) throws SQLException {
        if (warehouse.isDuckDb()) {
            WarehouseConnection c = SharedDuckDb.acquire(warehouse.jdbcUrl());
            return new WarehouseSession(c.jdbc(), c.writeLock(), c);
        }
        Connection c = warehouse.open();
        return new WarehouseSession(c, null, c);
    }

    Connection jdbc() {
        return jdbc;
    }

    boolean duckDb() {
        return writeLock != null;
    }

    /** Runs {@code work} in one transaction (under the DuckDB write lock); rolls back when it throws. */
    void inTransaction(SqlWork work) throws SQLException {
        if (writeLock != null) {
            writeLock.lock();
        }
        boolean auto = jdbc.getAutoCommit();
        try {
            jdbc.setAutoCommit(false);
            try {
                work.run(jdbc);
                jdbc.commit();
            } catch (SQLException | RuntimeException e) {
                jdbc.rollback();
                throw e;
            }
        } finally {
            jdbc.setAutoCommit(auto);
            if (writeLock != null) {
                writeLock.unlock();
            }
        }
    }

    interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    @Override
    public void close() throws SQLException {
        try {
            closer.close();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }
}
