package dev.sluice.cli.rebuild;

import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild abort NAME}: removes a rebuild that was not promoted. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Remove a rebuild: its consumer groups, topics, local state and shadow tables. Stop it first.")
public final class RebuildAbortCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    RebuildOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The rebuild's name.")
    String name;

    @Override
    public Integer call() throws Exception {
        var out = command.commandLine().getOut();
        try (Admin admin = options.admin()) {
            Rebuild.abort(options.warehouse(), admin, name, options.localDirs(name))
                    .forEach(line -> out.println("  " + line));
            out.println("Aborted rebuild " + name + ".");
        }
        out.flush();
        return 0;
    }
}
