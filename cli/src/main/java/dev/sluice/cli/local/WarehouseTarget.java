package dev.sluice.cli.local;

import dev.sluice.cli.secret.PasswordInUrl;
import dev.sluice.ingest.publish.TopicNames;
import dev.sluice.ingest.source.TableId;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.table.TableClaims;
import dev.sluice.transforms.replicate.ReplicationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where replicated rows land: a JDBC URL ({@code jdbc:duckdb:FILE} or {@code jdbc:postgresql://...}),
 * checked by opening it before anything else starts, so a typo costs one sentence, not a half-run pipeline.
 * {@code historyTables} are the target tables that also keep a {@code <table>_history} (the sink's history.tables);
 * {@code tableNameFormat} is the sink's {@code table.name.format}, which reconcile and the drain use too.
 */
public record WarehouseTarget(String jdbcUrl, String user, String password, List<String> historyTables,
                              String tableNameFormat) {

    public WarehouseTarget {
        historyTables = List.copyOf(historyTables);
        new TableNameFormat(tableNameFormat); // one sentence for a bad format, before anything starts
    }

    public WarehouseTarget(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, List.of(), TableNameFormat.DEFAULT);
    }

    /** For commands without a config file: a PostgreSQL warehouse's password comes from PGPASSWORD. */
    public static WarehouseTarget parse(String url, Path defaultDuckDbFile) {
        PasswordInUrl.refuse("--warehouse", url, "the PGPASSWORD environment variable");
        String jdbc = url == null ? "jdbc:duckdb:" + defaultDuckDbFile.toAbsolutePath() : url.trim();
        if (jdbc.startsWith("postgresql://") || jdbc.startsWith("postgres://")) {
            jdbc = "jdbc:" + jdbc.replaceFirst("^postgres://", "postgresql://");
        }
        if (!jdbc.startsWith("jdbc:duckdb:") && !jdbc.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--warehouse '" + url + "' is neither jdbc:duckdb:FILE nor "
                    + "jdbc:postgresql://HOST:PORT/DB; pass one of those.");
        }
        String user = null;
        String password = null;
        if (jdbc.startsWith("jdbc:postgresql://")) {
            // the user may be a URL parameter; else libpq's usual defaults
            user = System.getenv().getOrDefault("PGUSER", "postgres");
            password = System.getenv().getOrDefault("PGPASSWORD", "");
        }
        return new WarehouseTarget(jdbc, user, password);
    }

    /** The same warehouse with these credentials where given (null keeps PGUSER / PGPASSWORD); PostgreSQL only. */
    public WarehouseTarget withCredentials(String newUser, String newPassword) {
        if (isDuckDb()) {
            return this;
        }
        return new WarehouseTarget(jdbcUrl, newUser == null ? user : newUser, newPassword == null ? password : newPassword,
                historyTables, tableNameFormat);
    }

    /** The same warehouse, keeping a history of these tables (names as in the warehouse, e.g. orders). */
    public WarehouseTarget withHistory(List<String> tables) {
        return new WarehouseTarget(jdbcUrl, user, password, tables.stream().map(String::trim).filter(t -> !t.isEmpty()).toList(),
                tableNameFormat);
    }

    /** The same warehouse with this {@code table.name.format} (null keeps the current one). */
    public WarehouseTarget withTableNameFormat(String format) {
        return format == null ? this : new WarehouseTarget(jdbcUrl, user, password, historyTables, format);
    }

    /**
     * One sentence per warehouse table that several of {@code tables} map to (only the first to arrive is written,
     * the sink dead-letters the others) or whose name is reserved for Sluice's own tables; empty when none.
     */
    public List<String> namingProblems(List<TableId> tables) {
        Map<String, List<TableId>> byTable = new LinkedHashMap<>();
        // DuckDB matches names case-insensitively, as the sink's claims do there
        tables.forEach(t -> byTable.computeIfAbsent(isDuckDb() ? tableFor(t).toLowerCase(Locale.ROOT) : tableFor(t),
                k -> new ArrayList<>()).add(t));
        List<String> problems = new ArrayList<>();
        byTable.forEach((table, sources) -> {
            if (table.toLowerCase(Locale.ROOT).startsWith(TableClaims.RESERVED_PREFIX)) {
                problems.add("Source table " + sources.get(0) + " maps to warehouse table " + table + ", a name reserved for"
                        + " Sluice's own tables, so its rows go to the dead-letter topic; set --table-name-format (e.g."
                        + " ${schema}_${table}) or rename the table.");
            } else if (sources.size() > 1) {
                problems.add("Source tables " + sources.stream().map(TableId::toString).collect(Collectors.joining(" and "))
                        + " all map to warehouse table " + table + " under table.name.format " + tableNameFormat
                        + ", so only the first to arrive is written and the others go to the dead-letter topic; set"
                        + " --table-name-format ${schema}_${table}.");
            }
        });
        return problems;
    }

    /** The warehouse table the rows of source table {@code schema.table} land in. */
    public String tableFor(TableId table) {
        return new TableNameFormat(tableNameFormat).tableFor(TopicNames.changeTopic(ReplicationSpec.DEFAULT_PIPELINE, table));
    }

    /** The URL for messages and banners, with a {@code password} parameter's value blanked. */
    public String display() {
        return jdbcUrl.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***");
    }

    public boolean isDuckDb() {
        return jdbcUrl.startsWith("jdbc:duckdb:");
    }

    /**
     * Checks that the warehouse can be opened, without creating anything: a PostgreSQL warehouse is
     * connected to; a DuckDB file that does not exist yet only needs a writable directory.
     * A failure is one sentence naming the URL, the reason and the fix.
     */
    public void check() {
        if (isDuckDb()) {
            Path file = Path.of(jdbcUrl.substring("jdbc:duckdb:".length())).toAbsolutePath();
            if (!Files.exists(file)) {
                Path dir = existingAncestor(file.getParent());
                if (dir == null || !Files.isWritable(dir)) {
                    throw new IllegalArgumentException("the warehouse " + display() + " cannot be opened: "
                            + file.getParent() + " is not writable; pass a writable path.");
                }
                return;
            }
        }
        try (Connection ignored = open()) {
            // reachable
        } catch (SQLException e) {
            throw new IllegalArgumentException("the warehouse " + display() + " cannot be opened: "
                    + firstLine(e.getMessage()) + "; check the URL, that the database exists, and PGUSER/PGPASSWORD.");
        }
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    public Connection open() throws SQLException {
        Properties props = new Properties();
        if (user != null && !jdbcUrl.contains("user=")) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
