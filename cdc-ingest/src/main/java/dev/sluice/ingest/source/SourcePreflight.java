package dev.sluice.ingest.source;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.control.ControlTables;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before anything is written anywhere, that the source and Kafka can carry ingestion:
 * PostgreSQL reachable, {@code wal_level = logical}, the user may replicate, an existing slot of
 * our name is usable, every listed table exists and has a primary key, and Kafka answers.
 * The first failed check throws {@link SourceSetupException} with one sentence naming the fix.
 */
public final class SourcePreflight {

    private static final Logger log = LoggerFactory.getLogger(SourcePreflight.class);

    private static final String TABLE_QUERY = """
            SELECT n.nspname, c.relname,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_key
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r'
            """;
    private static final String USER_SCHEMAS = """
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY n.nspname, c.relname
            """;
    private static final String ONE_TABLE = " AND n.nspname = ? AND c.relname = ?";
    /** How long a slot may still look active after its previous reader died (the server notices the closed socket). */
    private static final Duration SLOT_RELEASE_GRACE = Duration.ofSeconds(10);

    private final IngestSettings settings;

    public SourcePreflight(IngestSettings settings) {
        this.settings = settings;
    }

    /** Runs every check; returns the tables to capture. */
    public ResolvedTables check() {
        ResolvedTables tables = checkSource();
        checkKafka();
        return tables;
    }

    /**
     * The source-side checks only, for callers that must judge the source before Kafka exists
     * (local mode starts its broker after the user's database has been found fit).
     */
    public ResolvedTables checkSource() {
        ResolvedTables tables;
        try (Connection connection = connect()) {
            checkWalLevel(connection);
            checkReplicationRight(connection);
            checkExistingSlot(connection);
            checkPublicationOwner(connection);
            tables = resolveTables(connection);
        } catch (SQLException e) {
            throw new SourceSetupException("Reading the catalog of PostgreSQL at " + settings.sourceAddress()
                    + " failed (" + e.getMessage() + "); check that user " + settings.user() + " may read pg_catalog.", e);
        }
        return tables;
    }

    /**
     * The tables to capture: the listed ones (each must exist and have a primary key), or, when none
     * are listed, every table with a primary key outside the system schemas; keyless ones are
     * reported as skipped.
     */
    public ResolvedTables resolveTables() {
        try (Connection connection = connect()) {
            return resolveTables(connection);
        } catch (SQLException e) {
            throw new SourceSetupException("Listing the tables of " + settings.sourceAddress() + " failed ("
                    + e.getMessage() + "); check that user " + settings.user() + " may read pg_catalog.", e);
        }
    }

    private Connection connect() {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        props.setProperty("ApplicationName", "sluice-ingest-preflight");
        try {
            return DriverManager.getConnection(settings.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new SourceSetupException(SourceRequirements.sourceUnreachable(settings.sourceAddress(), e.getMessage()), e);
        }
    }

    private void checkWalLevel(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            fail(SourceRequirements.walLevel(settings.sourceAddress(), rs.getString(1)).orElse(null));
        }
    }

    private void checkReplicationRight(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolname, rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            fail(SourceRequirements.replicationRight(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)).orElse(null));
        }
    }

    private void checkExistingSlot(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + SLOT_RELEASE_GRACE.toNanos();
        while (true) {
            try (PreparedStatement s = connection.prepareStatement("""
                    SELECT r.plugin, r.database, r.active_pid, a.application_name
                    FROM pg_replication_slots r LEFT JOIN pg_stat_activity a ON a.pid = r.active_pid
                    WHERE r.slot_name = ?""")) {
                s.setString(1, settings.slotName());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    fail(SourceRequirements.existingSlot(settings.slotName(), rs.getString(1), rs.getString(2),
                            settings.database()).orElse(null));
                    Integer activePid = (Integer) rs.getObject(3);
                    if (activePid == null) {
                        return;
                    }
                    // a reader killed a moment ago still holds the slot until the server notices
                    if (System.nanoTime() > deadline) {
                        fail(SourceRequirements.slotInUse(settings.slotName(), activePid, rs.getString(4)).orElse(null));
                    }
                }
            }
            sleep(Duration.ofMillis(500));
        }
    }

    private void checkPublicationOwner(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT p.pubowner::regrole::text, pg_has_role(current_user, p.pubowner, 'MEMBER')
                FROM pg_publication p WHERE p.pubname = ?""")) {
            s.setString(1, settings.publicationName());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    fail(SourceRequirements.publicationOwner(settings.publicationName(), rs.getString(1),
                            settings.user(), rs.getBoolean(2)).orElse(null));
                }
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceSetupException("Interrupted while waiting for replication slot to be released.", e);
        }
    }

    private ResolvedTables resolveTables(Connection connection) throws SQLException {
        if (settings.tables().isEmpty()) {
            return allTablesWithKey(connection);
        }
        for (TableId table : settings.tables()) {
            String nameProblem = SourceRequirements.nameProblem(table, settings.topicPrefix());
            if (nameProblem != null) {
                throw new SourceSetupException(nameProblem);
            }
            try (PreparedStatement s = connection.prepareStatement(TABLE_QUERY + ONE_TABLE)) {
                s.setString(1, table.schema());
                s.setString(2, table.table());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new SourceSetupException(SourceRequirements.tableMissing(table, settings.database()));
                    }
                    if (!rs.getBoolean("has_key")) {
                        throw new SourceSetupException(SourceRequirements.tableWithoutKey(table));
                    }
                }
            }
        }
        return new ResolvedTables(settings.tables(), List.of());
    }

    private ResolvedTables allTablesWithKey(Connection connection) throws SQLException {
        List<TableId> captured = new ArrayList<>();
        List<TableId> skipped = new ArrayList<>();
        ControlTables control = ControlTables.of(settings);
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(TABLE_QUERY + USER_SCHEMAS)) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (control.isControlTable(table)) {
                    continue; // Sluice's own signal and heartbeat tables are captured, never published
                }
                String nameProblem = SourceRequirements.nameProblem(table, settings.topicPrefix());
                if (nameProblem != null) {
                    log.warn("Not capturing table {}: {}", table, nameProblem);
                    continue;
                }
                (rs.getBoolean(3) ? captured : skipped).add(table);
            }
        }
        if (captured.isEmpty()) {
            throw new SourceSetupException(SourceRequirements.noTables(settings.database()));
        }
        if (!skipped.isEmpty()) {
            log.warn("Not capturing {} table(s) without a primary key: {} (add a primary key to capture them)",
                    skipped.size(), skipped);
        }
        return new ResolvedTables(captured, skipped);
    }

    private void checkKafka() {
        Duration timeout = settings.kafkaTimeout();
        int timeoutMs = (int) timeout.toMillis();
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.CLIENT_ID_CONFIG, "sluice-ingest-preflight"));
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (RuntimeException e) {
            throw new SourceSetupException(SourceRequirements.kafkaUnreachable(settings.bootstrapServers(), timeoutMs, e.getMessage()), e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .clusterId().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceSetupException("Interrupted while checking that Kafka at " + settings.bootstrapServers() + " answers.", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new SourceSetupException(SourceRequirements.kafkaUnreachable(
                    settings.bootstrapServers(), timeoutMs, describe(cause)), cause);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static void fail(String problem) {
        if (problem != null) {
            throw new SourceSetupException(problem);
        }
    }
}
