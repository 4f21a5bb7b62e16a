package dev.sluice.cli.rebuild;

import dev.sluice.cli.local.DurationOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice rebuild status NAME}: per table, the shadow against the live table, read from the warehouse. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per table: shadow and live rows, their frontiers, whether the shadow caught up, its rate and the time left.")
public final class RebuildStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    RebuildOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The rebuild's name (--as of rebuild start).")
    String name;

    @Option(names = "--sample", converter = DurationOption.class, defaultValue = "2s", paramLabel = "DURATION",
            description = "Read the tables twice this far apart for the rate and the time to catch up (default: 2s; 0s: read once).")
    Duration sample;

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
        } else try (Admin admin = options.admin()) {
            List<TableStatus> first = Rebuild.status(options.warehouse(), admin, name);
            List<TableStatus> tables = first;
            long started = System.nanoTime();
            if (!sample.isZero() && !first.isEmpty()) {
                Thread.sleep(sample.toMillis());
                tables = Rebuild.status(options.warehouse(), admin, name);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (tables.isEmpty()) {
                out.println("  no shadow table written yet");
            }
            for (TableStatus t : tables) {
                TableStatus before = first.stream().filter(b -> b.table().equals(t.table())).findFirst().orElse(null);
                out.println("  " + t.line() + (sample.isZero() || before == null ? ""
                        : "; " + CatchUp.between(before, t, elapsed).describe(t.caughtUp())));
            }
            if (!tables.isEmpty()) {
                out.println(tables.stream().allMatch(TableStatus::caughtUp) ? "Caught up: ready to promote."
                        : "Not caught up yet.");
            }
        }
        out.flush();
        return 0;
    }
}
