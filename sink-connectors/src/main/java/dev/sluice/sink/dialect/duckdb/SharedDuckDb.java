package dev.sluice.sink.dialect.duckdb;

import dev.sluice.sink.dialect.WarehouseConnection;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBConnection;

/**
 * One open DuckDB database per file in this JVM. DuckDB allows a single writing process per file, so every
 * task (of any connector) in a worker that writes the same file shares one database instance, each with its
 * own connection duplicated from it, and all of them take the file's write lock for a whole transaction
 * (DuckDB would otherwise abort one of two concurrent writers on conflict). The instance is closed when
 * the last connection is released. Other code in the same JVM (a dashboard) may read through {@link #acquire}.
 */
public final class SharedDuckDb {
    private static final Map<String, Entry> OPEN = new HashMap<>();
    /** WAL size that triggers an automatic checkpoint (DuckDB's default is 16 MB); see {@link #open}. */
    static final String CHECKPOINT_THRESHOLD = "256MB";

    private static final class Entry {
        final DuckDBConnection root;
        final ReentrantLock writeLock = new ReentrantLock(true);
        int users;

        Entry(DuckDBConnection root) {
            this.root = root;
        }
    }

    private SharedDuckDb() {
    }

    /** Opens (or joins) the database behind a {@code jdbc:duckdb:} URL and returns a new connection to it. */
    public static WarehouseConnection acquire(String jdbcUrl) throws SQLException {
        String key = key(jdbcUrl);
        synchronized (OPEN) {
            Entry entry = OPEN.get(key);
            if (entry == null) {
                entry = new Entry(open(jdbcUrl));
                OPEN.put(key, entry);
            }
            DuckDBConnection own;
            try {
                own = (DuckDBConnection) entry.root.duplicate();
            } catch (SQLException e) {
                if (entry.users == 0) {
                    OPEN.remove(key);
                    entry.root.close();
                }
                throw e;
            }
            entry.users++;
            Entry held = entry;
            return new WarehouseConnection(own, held.writeLock, () -> release(key, held, own));
        }
    }

    /**
     * Opens the instance with a larger WAL before an automatic checkpoint: each checkpoint rewrites the changed row
     * groups and the whole primary-key index, and at DuckDB's default (16 MB) a sink upserting ~10,000 rows per
     * transaction checkpointed every few batches, which took over half its CPU. The WAL is replayed when the file is
     * next opened after a crash (seconds for this size); a clean close checkpoints.
     */
    private static DuckDBConnection open(String jdbcUrl) throws SQLException {
        DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection(jdbcUrl);
        try (Statement s = root.createStatement()) {
            s.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
        } catch (SQLException e) {
            root.close();
            throw e;
        }
        return root;
    }

    /** Number of databases currently open (for tests). */
    public static int openDatabases() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static void release(String key, Entry entry, DuckDBConnection own) throws SQLException {
        synchronized (OPEN) {
            try {
                own.close();
            } finally {
                if (--entry.users == 0) {
                    OPEN.remove(key);
                    entry.root.close();
                }
            }
        }
    }

    static String key(String jdbcUrl) {
        String rest = jdbcUrl.substring(DuckDbDialect.PREFIX.length());
        int query = rest.indexOf('?');
        String file = query >= 0 ? rest.substring(0, query) : rest;
        if (file.isEmpty() || file.equals(":memory:")) {
            return ":memory:";
        }
        return Path.of(file).toAbsolutePath().normalize().toString();
    }
}
