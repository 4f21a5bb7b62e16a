package dev.sluice.cli.chaos;

import dev.sluice.cli.reconcile.TableComparison;

import java.util.List;

/** What a chaos run did and found: the promise holds when nothing is missing, extra or different. */
/**
 * @param sinkOffsetsMatch whether the warehouse's {@code _sluice_offsets} equal the sink's committed
 *                         consumer position once drained
 */
public record ChaosReport(long changesMade, int kills, List<String> killed, List<TableComparison> tables,
                          boolean sinkOffsetsMatch) {

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

    public String summary() {
        return String.format("changes made %,d | kills %d %s | rows compared %,d | rows missing %d | rows extra %d | rows different %d",
                changesMade, kills, killed, rowsCompared(), rowsMissing(), rowsExtra(), rowsDifferent());
    }
}
