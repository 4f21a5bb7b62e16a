package dev.sluice.cli.rebuild;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild status NAME}: per table, the shadow against the live table, read from the warehouse. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per table: shadow and live rows, their frontiers, and whether the shadow caught up.")
public final class RebuildStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    RebuildOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The rebuild's name (--as of rebuild start).")
    String name;

    @Override
    public Integer call() throws Exception {
        var out = command.commandLine().getOut();
        Rebuilds.Row row = Rebuild.find(options.warehouse(), name);
        out.println("Rebuild " + name + " of pipeline " + row.pipeline() + " (" + row.spec() + "): "
                + row.state().name().toLowerCase().replace('_', ' ') + ", started " + row.startedAt()
                + (row.promotedAt() == null ? "" : ", promoted " + row.promotedAt()));
        if (row.state() == Rebuilds.State.PROMOTED) {
            out.println("  live tables " + String.join(", ", row.tables()) + " are the rebuild's; the ones before are"
                    + " kept as <table>__previous.");
        } else {
            List<TableStatus> tables = Rebuild.status(options.warehouse(), name);
            if (tables.isEmpty()) {
                out.println("  no shadow table written yet");
            }
            tables.forEach(t -> out.println("  " + t.line()));
            if (!tables.isEmpty()) {
                out.println(tables.stream().allMatch(TableStatus::caughtUp) ? "Caught up: ready to promote."
                        : "Not caught up yet.");
            }
        }
        out.flush();
        return 0;
    }
}
