package dev.sluice.cli.chaos;

import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.dlq.DeadLetterSummary;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.cli.drain.CompletionTarget;
import dev.sluice.cli.drain.Lsn;
import dev.sluice.cli.drain.SourcePosition;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.embedded.PostgresServer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The two ends of a run's verdict, shared by the chaos and scale runs: where the drain must reach once the load
 * stops, and, once every service has stopped, whether the warehouse equals the source.
 */
final class DrainChecks {

    /** The demo's warehouse tables compared with the source, and whether the sink's two offset records agree. */
    record Verdict(List<TableComparison> tables, boolean offsetsMatch) {
    }

    private DrainChecks() {
    }

    /**
     * Stops the load and returns the source position the warehouse must reach, taken once the initial load is whole
     * in Kafka (before that the frontier can pass a position while chunks are still to come).
     */
    static CompletionTarget stopLoad(LoadGenerator load, ServiceProcess ingest, PostgresServer source, PrintStream out,
                                     String prefix) throws Exception {
        load.close();
        if (!InitialLoadWait.await(ingest, Duration.ofMinutes(5))) {
            out.println(prefix + ": the initial load was not complete within 5 minutes; draining anyway");
        }
        CompletionTarget target = new CompletionTarget(SourcePosition.current(source.jdbcUrl("shop"), source.user(),
                source.password()), ChaosRun.warehouseTables());
        out.printf("%s: load stopped after %,d changes at source position %s; draining ...%n", prefix, load.changes(),
                Lsn.format(target.lsn()));
        return target;
    }

    /** Read once the worker has stopped: a DuckDB file admits one process at a time. */
    static Verdict verdict(WarehouseTarget warehouse, String bootstrap, PostgresServer source, PrintStream out, String prefix)
            throws Exception {
        boolean offsetsMatch = SinkOffsets.matchCommitted(warehouse, bootstrap, "connect-" + SinkConnectorConfig.NAME,
                Duration.ofSeconds(10));
        out.println(prefix + ": _sluice_offsets " + (offsetsMatch ? "matches" : "does NOT match")
                + " the sink's committed consumer position");
        List<TableComparison> tables = new Reconciler(source.jdbcUrl("shop"), source.user(), source.password(),
                warehouse.jdbcUrl(), warehouse.user(), warehouse.password()).compare(DemoSchema.TABLES);
        tables.forEach(t -> out.println(prefix + ": " + t.line()));
        // the demo's load holds no bad record: a dead letter here is a change a stage set aside under the run's faults
        List<String> deadLetters = DeadLetterSummary.lines(bootstrap);
        out.println(prefix + ": dead letters: " + deadLetters.size());
        deadLetters.stream().limit(20).forEach(line -> out.println(prefix + ":   " + line));
        return new Verdict(tables, offsetsMatch);
    }
}
