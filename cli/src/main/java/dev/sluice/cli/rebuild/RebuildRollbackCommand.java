package dev.sluice.cli.rebuild;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild rollback NAME}: the tables before the promotion become the live ones again. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Swap the <table>__previous tables back in (one transaction); the rebuild's go back to <table>__NAME.",
                "Both sinks must be stopped; afterwards run the old version again: its sink goes on from its own offsets."})
public final class RebuildRollbackCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    RebuildOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The rebuild's name.")
    String name;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = options.admin()) {
            List<String> tables = Rebuild.rollback(options.warehouse(), admin, name);
            command.commandLine().getOut().println("Rolled back rebuild " + name + ": " + String.join(", ", tables)
                    + " hold the rows from before the promotion again; start the old version's sink to bring them up to date.");
        }
        return 0;
    }
}
