package dev.sluice.cli;

import dev.sluice.cli.backfill.BackfillCommand;
import dev.sluice.cli.bench.BenchCommand;
import dev.sluice.cli.chaos.ChaosCommand;
import dev.sluice.cli.demo.ShopCommand;
import dev.sluice.cli.dlq.DlqCommand;
import dev.sluice.cli.local.LocalCommand;
import dev.sluice.cli.reconcile.ReconcileCommand;
import dev.sluice.cli.rebuild.RebuildCommand;
import dev.sluice.cli.replay.ReplayCommand;
import dev.sluice.cli.secret.PasswordInUrl;
import dev.sluice.cli.service.ConnectCommand;
import dev.sluice.cli.service.IngestCommand;
import dev.sluice.cli.service.RegistryCommand;
import dev.sluice.cli.service.TransformCommand;
import dev.sluice.cli.slot.SlotCommand;
import dev.sluice.cli.spec.InvalidSpecException;
import dev.sluice.cli.spec.SpecCommand;
import dev.sluice.transforms.pipeline.spec.PipelineSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: one entry point for every Sluice service and tool. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Streaming CDC from PostgreSQL through Kafka into your warehouse.",
        subcommands = {LocalCommand.class, ReconcileCommand.class, IngestCommand.class, TransformCommand.class,
                ConnectCommand.class, RegistryCommand.class, ChaosCommand.class, BenchCommand.class, BackfillCommand.class,
                SlotCommand.class, SpecCommand.class, ShopCommand.class, DlqCommand.class,
                ReplayCommand.class, RebuildCommand.class})
public final class SluiceCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with Sluice's error handling: a failure is its one-sentence message, not a stack trace,
     * and exit code 2, or 1 for a pipeline spec that cannot run (as {@code sluice spec check} answers for one).
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SluiceCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("sluice: " + PasswordInUrl.blank(UserFacingError.message(e)));
            if (System.getenv("SLUICE_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return isSpecProblem(e) ? 1 : 2;
        });
        // picocli quotes what was typed ("Unmatched argument at index 2: '...'"): never a password in a URL
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(PasswordInUrl.blank(e.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr())) {
                c.usage(c.getErr(), c.getColorScheme());
            }
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }

    private static boolean isSpecProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PipelineSpecException || t instanceof InvalidSpecException) {
                return true;
            }
        }
        return false;
    }
}
