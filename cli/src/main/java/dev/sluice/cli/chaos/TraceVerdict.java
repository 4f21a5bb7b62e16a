package dev.sluice.cli.chaos;

import org.apache.kafka.common.TopicPartition;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the stage that lost a key's newest change, from every record of the key on its change topic and its row topic
 * (committed or not), the sink's stored next offsets and the version the warehouse holds: the newest committed change
 * must have a committed row of the same version ({@code __version} is the change's LSN), and that row must lie below
 * the sink's stored position. The first link that breaks is the stage that dropped the change.
 */
final class TraceVerdict {

    /** One record of the key: {@code version} is the change's LSN (change topic) or {@code __version} (row topic). */
    record Seen(TopicPartition partition, long offset, boolean committed, String op, Long version) {
        String at() {
            return partition + "@" + offset;
        }
    }

    private TraceVerdict() {
    }

    /**
     * @param warehouseVersion the {@code __version} the warehouse holds for the key, null when it holds no live row
     * @param storedNext       {@code _sluice_offsets}: next offset to consume per row-topic partition
     */
    static String explain(List<Seen> changes, List<Seen> rows, Long warehouseVersion, Map<TopicPartition, Long> storedNext) {
        Optional<Seen> newest = changes.stream().filter(s -> s.committed() && s.version() != null)
                .max(Comparator.comparingLong(Seen::version));
        String aborted = abortedNewer(changes, warehouseVersion);
        if (newest.isEmpty()) {
            return "no committed change of this key on the change topic: ingest never published it" + aborted;
        }
        Seen change = newest.get();
        if (warehouseVersion != null && warehouseVersion >= change.version()) {
            return "the warehouse holds version " + warehouseVersion + ", the newest committed change on the change topic"
                    + " (op " + change.op() + " at " + change.at() + "): the source's later change never reached the"
                    + " change topic, so ingest lost it" + aborted;
        }
        Optional<Seen> row = rows.stream().filter(s -> s.committed() && change.version().equals(s.version())).findFirst();
        if (row.isEmpty()) {
            String uncommitted = rows.stream().filter(s -> !s.committed() && change.version().equals(s.version()))
                    .map(Seen::at).reduce((a, b) -> a + ", " + b).map(at -> " (only uncommitted at " + at + ")").orElse("");
            return "the change of version " + change.version() + " (op " + change.op() + ") at " + change.at()
                    + " is committed but no committed row of that version is on the row topic" + uncommitted
                    + ": the transforms lost it";
        }
        Seen r = row.get();
        Long next = storedNext.get(r.partition());
        if (next == null || next <= r.offset()) {
            return "the row of version " + change.version() + " at " + r.at() + " is at or beyond the sink's stored next offset "
                    + next + ": the sink had not reached it (the drain stopped short)";
        }
        return "the row of version " + change.version() + " at " + r.at() + " lies below the sink's stored next offset "
                + next + " yet the warehouse holds version " + warehouseVersion + ": the sink counted it as applied without"
                + " applying it, so the sink lost it";
    }

    /** Changes of the key newer than the warehouse's that only exist uncommitted (aborted or still open). */
    private static String abortedNewer(List<Seen> changes, Long warehouseVersion) {
        return changes.stream().filter(s -> !s.committed() && s.version() != null
                        && (warehouseVersion == null || s.version() > warehouseVersion))
                .map(s -> "version " + s.version() + " at " + s.at()).reduce((a, b) -> a + ", " + b)
                .map(s -> " (uncommitted on the change topic: " + s + ")").orElse("");
    }
}
