package dev.sluice.cli.rebuild;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild promote NAME}: the caught-up shadow tables become the live ones in one transaction. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Swap the caught-up shadow tables in (one transaction); the live ones become <table>__previous.",
                "Both sinks must be stopped; afterwards run sluice rebuild start --as NAME again: it writes the live tables."})
public final class RebuildPromoteCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    RebuildOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The rebuild's name.")
    String name;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = options.admin()) {
            List<String> tables = Rebuild.promote(options.warehouse(), admin, name);
            command.commandLine().getOut().println("Promoted rebuild " + name + ": " + String.join(", ", tables)
                    + " now hold the rebuilt rows (the previous ones are <table>__previous). Run sluice rebuild start --as "
                    + name + " to keep them current, and no longer the old version.");
        }
        return 0;
    }
}
