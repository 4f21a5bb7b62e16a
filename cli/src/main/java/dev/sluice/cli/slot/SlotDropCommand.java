package dev.sluice.cli.slot;

import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.slot.SlotRemoval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice slot drop}: drops an ingest service's replication slot, so PostgreSQL stops keeping
 * WAL for it; with {@code --all} also its publication and Sluice's signal and heartbeat tables.
 * Refused while a process reads the slot.
 */
@Command(name = "drop", mixinStandardHelpOptions = true,
        description = {"Drop the replication slot of a sluice ingest service that no longer runs (PostgreSQL keeps WAL",
                "for a slot until it is dropped). The next sluice ingest then starts over with a new snapshot."})
public final class SlotDropCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The captured database (password from PGPASSWORD).")
    String sourceUrl;

    @Option(names = "--slot", defaultValue = IngestSettings.DEFAULT_SLOT_NAME, description = "The slot (default: ${DEFAULT-VALUE}).")
    String slot;

    @Option(names = "--publication", defaultValue = IngestSettings.DEFAULT_PUBLICATION_NAME,
            description = "The publication, dropped with --all (default: ${DEFAULT-VALUE}).")
    String publication;

    @Option(names = "--control-schema", defaultValue = IngestSettings.DEFAULT_CONTROL_SCHEMA,
            description = "Schema of Sluice's signal and heartbeat tables (default: ${DEFAULT-VALUE}).")
    String controlSchema;

    @Option(names = "--all", description = "Also drop the publication and the <slot>_signal and <slot>_heartbeat tables.")
    boolean all;

    @Override
    public Integer call() throws SQLException {
        SourceUrl source = SourceUrl.parse(sourceUrl);
        PrintWriter out = spec.commandLine().getOut();
        SlotRemoval removal = new SlotRemoval(slot, publication, new ControlTables(controlSchema, slot));
        List<String> dropped;
        try (Connection connection = connect(source)) {
            dropped = removal.drop(connection, all);
        }
        if (dropped.isEmpty()) {
            out.println("Nothing to drop: replication slot " + slot + " does not exist in " + source.display() + ".");
        } else {
            out.println("Dropped " + String.join(", ", dropped) + " in " + source.display() + ".");
        }
        out.flush();
        return 0;
    }

    private static Connection connect(SourceUrl source) {
        try {
            return DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to PostgreSQL at " + source.display() + " (" + e.getMessage()
                    + "); check --source-url and PGPASSWORD.", e);
        }
    }
}
