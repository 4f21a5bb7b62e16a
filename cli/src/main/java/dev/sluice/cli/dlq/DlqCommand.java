package dev.sluice.cli.dlq;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice dlq}: inspect dead letters and send them through again. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"Dead letters: what a stage could not process, with the reason, the stage and where it came from.",
                "The sink's go to sluice-sink.dlq, each pipeline's to <pipeline>.dlq (docs/dead-letters.md)."},
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqReplayCommand.class})
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Name what to do with the dead letters: sluice dlq list, show or replay.");
    }
}
