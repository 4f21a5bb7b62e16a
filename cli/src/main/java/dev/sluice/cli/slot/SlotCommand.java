package dev.sluice.cli.slot;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice slot}: manage the replication slot of an ingest service. */
@Command(name = "slot", mixinStandardHelpOptions = true,
        description = "Manage the replication slot (and the other source objects) of a sluice ingest service.",
        subcommands = {SlotDropCommand.class})
public final class SlotCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name what to do with the slot, e.g. sluice slot drop.");
    }
}
