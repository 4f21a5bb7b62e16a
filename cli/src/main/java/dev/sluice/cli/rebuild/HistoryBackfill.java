package dev.sluice.cli.rebuild;

import dev.sluice.cli.backfill.Backfill;
import dev.sluice.cli.backfill.IngestSourceOptions;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.ingest.source.TableId;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills the history a rebuild's change topics lost before the rebuild reads them: for each change topic with a
 * {@link RetainedHistory.Gap}, a backfill (Debezium's incremental snapshot, through the running {@code sluice ingest})
 * re-reads the table's rows into that topic, and it runs to completion before the shadow application starts, so the
 * shadow, which reads on from where it stands, finds every row the lost records alone carried. The live version reads
 * the re-read rows too; its sink's version guard makes them harmless (same content, newer version).
 */
final class HistoryBackfill {

    /** How often a running backfill prints its progress. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);

    /** The tables backfilled, and one warning per partition no backfill could fill. */
    record Outcome(List<TableId> backfilled, List<String> warnings) {
    }

    private HistoryBackfill() {
    }

    /**
     * Backfills the tables behind {@code gaps} through the ingest service {@code source} names, or, when it names
     * none ({@code --source-url} not given), only words the warnings. Fails with one sentence, before the shadow
     * starts, when a backfill cannot start, is aborted or does not complete within {@code timeout}.
     */
    static Outcome run(List<RetainedHistory.Gap> gaps, IngestSourceOptions source, ServiceConfig kafka,
                       Duration timeout, String rebuild, PrintWriter out) throws Exception {
        if (gaps.isEmpty()) {
            return new Outcome(List.of(), List.of());
        }
        if (!source.given()) {
            return new Outcome(List.of(), gaps.stream().map(g -> g.sentence(RetainedHistory.BACKFILL_FIRST)).toList());
        }
        Map<String, TableId> captured = source.changeTopics();
        Set<TableId> tables = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        for (RetainedHistory.Gap gap : gaps) {
            TableId table = captured.get(gap.partition().topic());
            if (table != null) {
                tables.add(table);
            } else {
                warnings.add(gap.sentence("it is not the change topic of a table in publication " + source.publication()
                        + ", so no backfill can fill it; rebuild from a topic that holds the whole history."));
            }
        }
        for (TableId table : tables) {
            try {
                new Backfill(source.backfill(table, kafka, PROGRESS_INTERVAL, timeout)).run(out);
            } catch (RuntimeException | SQLException e) {
                // without the backfill the shadow would read an incomplete history: it does not start
                IllegalStateException stop = new IllegalStateException("Rebuild " + rebuild + " did not start, since"
                        + " its history of " + table + " would be incomplete: " + lowerFirst(e.getMessage()));
                stop.addSuppressed(e);
                throw stop;
            }
        }
        return new Outcome(List.copyOf(tables), warnings);
    }

    private static String lowerFirst(String message) {
        if (message == null || message.isEmpty()) {
            return "the backfill failed.";
        }
        // "The backfill of ..." reads on after the colon; a name such as "PostgreSQL" keeps its capital
        return message.startsWith("The ") ? "the " + message.substring(4) : message;
    }
}
