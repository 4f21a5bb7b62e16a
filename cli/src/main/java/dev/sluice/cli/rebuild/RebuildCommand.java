package dev.sluice.cli.rebuild;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild}: blue/green reprocessing of one pipeline into shadow tables (docs/replay.md). */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = {"Rebuild a pipeline from history into shadow tables <table>__NAME while the live tables serve,",
                "then promote them in one transaction (and roll back, or abort)."},
        subcommands = {RebuildStartCommand.class, RebuildStatusCommand.class, RebuildPromoteCommand.class,
                RebuildRollbackCommand.class, RebuildAbortCommand.class})
public final class RebuildCommand implements Runnable {

    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(System.out);
    }
}
