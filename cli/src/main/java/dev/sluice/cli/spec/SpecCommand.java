package dev.sluice.cli.spec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice spec}: tools for users' pipeline specs. */
@Command(name = "spec", mixinStandardHelpOptions = true, description = "Work with pipeline specs (YAML).",
        subcommands = SpecCheckCommand.class)
public final class SpecCommand implements Runnable {

    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(System.out);
    }
}
