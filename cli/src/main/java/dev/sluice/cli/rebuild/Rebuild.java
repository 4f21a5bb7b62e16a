package dev.sluice.cli.rebuild;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.replay.StreamsApplication;
import dev.sluice.sink.write.OffsetStore;
import java.nio.file.Path;
import dev.sluice.sink.history.HistoryTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the {@code sluice rebuild} commands do to the warehouse and to Kafka; the commands only parse flags and print.
 * Every change is refused, with one sentence and the fix, before anything is written when its preconditions fail.
 */
public final class Rebuild {

    /** Marks, in {@code _sluice_rebuilds.tables}, a promoted table that had no live version before. */
    static final String NEW_TABLE = "+";

    private Rebuild() {
    }

    /**
     * Records a new rebuild, or finds the one of that name to resume (a promoted rebuild resumes writing the live
     * tables).
     *
     * @return the recorded rebuild
     */
    static Rebuilds.Row register(WarehouseTarget warehouse, Shadow shadow, String specName) throws SQLException {
        return register(warehouse, shadow, specName, null);
    }

    /**
     * As above, with the live version's sink connector named (the one promotion waits to be stopped); null means the
     * sink of the pipeline's promoted rebuild when there is one, else the service's ({@link Shadow#liveConnector}).
     */
    static Rebuilds.Row register(WarehouseTarget warehouse, Shadow shadow, String specName, String liveConnector)
            throws SQLException {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            Rebuilds.Row[] row = new Rebuilds.Row[1];
            session.inTransaction(c -> {
                Rebuilds.create(c);
                var existing = Rebuilds.find(c, shadow.name());
                if (existing.isPresent()) {
                    Rebuilds.Row r = existing.get();
                    if (r.state() == Rebuilds.State.REPLACED) {
                        throw new IllegalArgumentException("The rebuild '" + shadow.name() + "' was replaced by a later"
                                + " promotion; start a new one under another name (--as), or abort it.");
                    }
                    if (r.state() == Rebuilds.State.ABORTED) {
                        throw new IllegalArgumentException("The rebuild '" + shadow.name() + "' was aborted; start a"
                                + " new one under another name (--as).");
                    }
                    if (!r.pipeline().equals(shadow.pipeline())) {
                        throw new IllegalArgumentException("The rebuild '" + shadow.name() + "' rebuilds pipeline "
                                + r.pipeline() + ", not " + shadow.pipeline() + "; pick another name (--as).");
                    }
                    row[0] = r;
                    return;
                }
                String live = liveConnector != null ? liveConnector
                        : Rebuilds.promotedConnector(c, shadow.pipeline()).orElse(shadow.liveConnector());
                row[0] = new Rebuilds.Row(shadow.name(), shadow.pipeline(), specName, shadow.applicationId(),
                        shadow.connector(), live, shadow.topicsRegex(), List.of(),
                        Rebuilds.State.RUNNING, Instant.now(), null);
                Rebuilds.insert(c, row[0]);
            });
            return row[0];
        }
    }

    /** The recorded rebuild {@code name}. */
    public static Rebuilds.Row find(WarehouseTarget warehouse, String name) throws SQLException {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            return Rebuilds.require(session.jdbc(), name);
        }
    }

    /** The live tables that keep a history ({@link TableSwap#withHistory}). */
    static List<String> tablesWithHistory(WarehouseTarget warehouse) throws SQLException {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            return TableSwap.withHistory(session.jdbc());
        }
    }

    /**
     * Per table, the shadow against the live table: the tables with a {@code <table>__<name>} row in
     * {@code _sluice_progress} (the shadow sink writes one with its first batch), in name order. A table that has no
     * frontier on both sides is judged by comparing the pipelines through Kafka ({@link ShadowDrain}), which may wait up
     * to {@link #DRAIN_ROUND} per internal topic of the shadow.
     */
    public static List<TableStatus> status(WarehouseTarget warehouse, Admin admin, String name) throws Exception {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            return status(session.jdbc(), admin, Rebuilds.require(session.jdbc(), name), true);
        }
    }

    /** How long {@link ShadowDrain} waits per round for the shadow to reach the ends of its topics. */
    static final java.time.Duration DRAIN_ROUND = java.time.Duration.ofSeconds(2);

    /** As above; {@code through}: see {@link ShadowDrain#behind}. */
    static List<TableStatus> status(Connection c, Admin admin, Rebuilds.Row row, boolean through) throws Exception {
        String suffix = "__" + row.name();
        Map<String, TableStatus.Progress> progress = progress(c);
        List<TableStatus> result = new ArrayList<>();
        TableStatus.Drain drain = null;
        for (String shadowTable : progress.keySet()) {
            if (!shadowTable.endsWith(suffix) || !TableSwap.exists(c, shadowTable)) {
                continue;
            }
            String table = shadowTable.substring(0, shadowTable.length() - suffix.length());
            boolean live = TableSwap.exists(c, table);
            TableStatus status = new TableStatus(table, shadowTable, rows(c, shadowTable), live ? rows(c, table) : null,
                    progress.get(shadowTable), live ? progress.get(table) : null);
            if (live && status.shadow() != null && !status.frontiers()) {
                if (drain == null) { // one comparison of the pipelines serves every table of the rebuild
                    String liveApplication = Rebuilds.promotedApplication(c, row.pipeline(), row.name())
                            .orElse("sluice-" + row.pipeline());
                    drain = new TableStatus.Drain(new ShadowDrain(admin, c, row, liveApplication).behind(DRAIN_ROUND, through)
                            .orElse(null));
                }
                status = new TableStatus(table, shadowTable, status.shadowRows(), status.liveRows(), status.shadow(),
                        status.live(), drain);
            }
            result.add(status);
        }
        return result;
    }

    /**
     * Swaps the caught-up shadow tables in, in one transaction, once neither sink writes (see {@link TableSwap}).
     *
     * @throws IllegalStateException while a sink still runs, or when a shadow table is behind its live table
     */
    public static List<String> promote(WarehouseTarget warehouse, Admin admin, String name) throws Exception {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            Rebuilds.Row row = Rebuilds.require(session.jdbc(), name);
            if (row.state() != Rebuilds.State.RUNNING && row.state() != Rebuilds.State.ROLLED_BACK) {
                throw new IllegalStateException("The rebuild '" + name + "' is " + row.state().name().toLowerCase()
                        + "; only a running or rolled back rebuild can be promoted.");
            }
            requireSinksStopped(admin, row);
            // the processes are stopped: the inputs read decide (status, run before, followed them to the tables)
            List<TableStatus> tables = status(session.jdbc(), admin, row, false);
            if (tables.isEmpty()) {
                throw new IllegalStateException("The rebuild '" + name + "' has written no shadow table yet; let"
                        + " sluice rebuild start run until sluice rebuild status " + name + " says caught up.");
            }
            for (TableStatus t : tables) {
                if (!t.caughtUp()) {
                    throw new IllegalStateException("The rebuild '" + name + "' has not caught up: " + t.line()
                            + ". Run sluice rebuild start --as " + name + " until sluice rebuild status says caught up.");
                }
            }
            List<String> names = tables.stream().map(TableStatus::table).toList();
            // a table with no live version before is marked, so a rollback knows it has no previous to restore
            List<String> recorded = tables.stream().map(t -> t.liveRows() == null ? t.table() + NEW_TABLE : t.table())
                    .toList();
            session.inTransaction(c -> {
                TableSwap.promote(c, names, "__" + name);
                Rebuilds.replacePromoted(c, row.pipeline(), name);
                Rebuilds.update(c, name, Rebuilds.State.PROMOTED, recorded, Instant.now());
            });
            return names;
        }
    }

    /** Swaps the previous tables back in, in one transaction, once neither sink writes. */
    public static List<String> rollback(WarehouseTarget warehouse, Admin admin, String name) throws SQLException {
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            Rebuilds.Row row = Rebuilds.require(session.jdbc(), name);
            if (row.state() != Rebuilds.State.PROMOTED) {
                throw new IllegalStateException("The rebuild '" + name + "' is " + row.state().name().toLowerCase()
                        + ", not promoted; there is nothing to roll back.");
            }
            requireSinksStopped(admin, row);
            List<String> tables = row.tables().stream().map(t -> t.replace(NEW_TABLE, "")).toList();
            for (String t : row.tables()) {
                if (!t.endsWith(NEW_TABLE) && !TableSwap.exists(session.jdbc(), t + "__" + Shadow.PREVIOUS)) {
                    throw new IllegalStateException("The rebuild '" + name + "' cannot be rolled back: " + t
                            + "__previous is gone (a later promotion replaced it), so " + t + " would have no table to"
                            + " go back to; roll back the later rebuild instead.");
                }
            }
            session.inTransaction(c -> {
                TableSwap.rollback(c, tables, "__" + name);
                // the rebuild this one replaced writes the live tables again
                Rebuilds.restoreReplaced(c, row.pipeline(), row.liveConnector());
                Rebuilds.update(c, name, Rebuilds.State.ROLLED_BACK, row.tables(), null);
            });
            return tables;
        }
    }

    /**
     * Removes everything of a rebuild that is not promoted: its consumer groups, internal, output and side topics,
     * local state, shadow tables and their control rows; the row stays, marked aborted.
     *
     * @param stateDirs its Streams state and Connect worker directories
     * @return what was removed, one line each
     */
    public static List<String> abort(WarehouseTarget warehouse, Admin admin, String name, List<Path> stateDirs)
            throws Exception {
        List<String> done = new ArrayList<>();
        try (WarehouseSession session = WarehouseSession.open(warehouse)) {
            Rebuilds.Row row = Rebuilds.require(session.jdbc(), name);
            if (row.state() == Rebuilds.State.PROMOTED) {
                throw new IllegalStateException("The rebuild '" + name + "' is promoted: its tables are the live ones;"
                        + " run sluice rebuild rollback " + name + " first.");
            }
            if (row.state() == Rebuilds.State.ABORTED) {
                throw new IllegalStateException("The rebuild '" + name + "' is already aborted.");
            }
            StreamsApplication app = new StreamsApplication(row.applicationId(), stateDirs);
            app.requireStopped(admin, "sluice rebuild start --as " + name);
            String sinkGroup = "connect-" + row.connector();
            if (StreamsApplication.members(admin, sinkGroup) > 0) {
                throw new IllegalStateException("The consumer group " + sinkGroup + " still has members; stop"
                        + " sluice rebuild start --as " + name + " first, then run the command again.");
            }
            List<String> topics = new ArrayList<>(app.internalTopics(admin));
            Pattern outputs = Pattern.compile(row.topicsRegex());
            String sidePrefix = row.pipeline() + "__" + name + ".";
            Set<String> all = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            all.stream().filter(t -> outputs.matcher(t).matches() || t.startsWith(sidePrefix)).sorted()
                    .filter(t -> !topics.contains(t)).forEach(topics::add);
            StreamsApplication.deleteGroup(admin, row.applicationId());
            StreamsApplication.deleteGroup(admin, sinkGroup);
            done.add("deleted consumer groups " + row.applicationId() + " and " + sinkGroup);
            StreamsApplication.deleteTopics(admin, topics);
            topics.forEach(t -> done.add("deleted topic " + t));
            app.existingStateDirs().forEach(d -> done.add("deleted local state " + d));
            app.deleteState();
            String suffix = "__" + name;
            List<String> tables = shadowTables(session.jdbc(), suffix);
            session.inTransaction(c -> {
                for (String t : tables) {
                    TableSwap.drop(c, t);
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + quote(OffsetStore.OFFSETS_TABLE)
                        + " WHERE " + quote("connector") + " = ?")) {
                    if (TableSwap.exists(c, OffsetStore.OFFSETS_TABLE)) {
                        ps.setString(1, row.connector());
                        ps.executeUpdate();
                    }
                }
                Rebuilds.update(c, name, Rebuilds.State.ABORTED, row.tables(), null);
            });
            tables.forEach(t -> done.add("dropped table " + t));
        }
        return done;
    }

    /** Both sinks must be stopped: a running one would go on writing the table it had open under its new name. */
    private static void requireSinksStopped(Admin admin, Rebuilds.Row row) {
        for (String connector : List.of(row.liveConnector(), row.connector())) {
            String group = "connect-" + connector;
            int members = StreamsApplication.members(admin, group);
            if (members > 0) {
                String how = connector.equals(row.connector()) ? "sluice rebuild start --as " + row.name()
                        : "the sluice connect or sluice local that runs connector " + connector;
                throw new IllegalStateException("The consumer group " + group + " still has " + members
                        + " member(s); stop " + how + " first, then run the command again.");
            }
        }
    }

    private static List<String> shadowTables(Connection c, String suffix) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM"
                + " information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")) {
            while (rs.next()) {
                if (rs.getString(1).endsWith(suffix) || rs.getString(1).endsWith(suffix + HistoryTable.SUFFIX)) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private static Map<String, TableStatus.Progress> progress(Connection c) throws SQLException {
        Map<String, TableStatus.Progress> result = new TreeMap<>();
        if (!TableSwap.exists(c, OffsetStore.PROGRESS_TABLE)) {
            return result;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + quote("table_name") + ", "
                + quote("complete_version") + ", " + quote("complete_ts") + ", " + quote("version") + ", "
                + quote("source_ts") + " FROM " + quote(OffsetStore.PROGRESS_TABLE))) {
            while (rs.next()) {
                result.put(rs.getString(1), new TableStatus.Progress(longOrNull(rs, 2), longOrNull(rs, 3),
                        longOrNull(rs, 4), longOrNull(rs, 5)));
            }
        }
        return result;
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static long rows(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
