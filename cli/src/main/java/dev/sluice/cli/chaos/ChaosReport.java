package dev.sluice.cli.chaos;

import dev.sluice.cli.reconcile.TableComparison;

import java.util.List;

/**
 * What a chaos run did and found: the promise holds when nothing is missing, extra or different.
 *
 * @param sinkOffsetsMatch whether the warehouse's {@code _sluice_offsets} equal the sink's committed
 *                         consumer position once drained
 * @param complete         whether every table's completeness frontier reached the source position at which
 *                         the load stopped (else the comparison ran on an unfinished warehouse)
 */
public record ChaosReport(long changesMade, int kills, List<String> killed, List<TableComparison> tables,
                          boolean sinkOffsetsMatch, boolean complete) {

    public long rowsCompared() {
        return tables.stream().mapToLong(TableComparison::sourceRows).sum();
    }

    public long rowsMissing() {
        return tables.stream().mapToLong(TableComparison::missing).sum();
    }

    public long rowsExtra() {
        return tables.stream().mapToLong(TableComparison::extra).sum();
    }

    public long rowsDifferent() {
        return tables.stream().mapToLong(TableComparison::different).sum();
    }

    public boolean consistent() {
        return !tables.isEmpty() && rowsMissing() == 0 && rowsExtra() == 0 && rowsDifferent() == 0;
    }

    /** Drained exactly, equal, and the stored offsets agree with the committed ones. */
    public boolean passed() {
        return complete && consistent() && sinkOffsetsMatch;
    }

    public String summary() {
        return String.format("changes made %,d | kills %d %s | rows compared %,d | rows missing %d | rows extra %d | rows different %d"
                        + " | drained %s | offsets %s",
                changesMade, kills, killed, rowsCompared(), rowsMissing(), rowsExtra(), rowsDifferent(),
                complete ? "exactly" : "NOT", sinkOffsetsMatch ? "match" : "DIFFER");
    }
}
