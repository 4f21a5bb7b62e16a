package dev.sluice.sink.write;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The records buffered since the last write: per table and key only the newest {@code __version} survives
 * (on a tie the later record wins), since one statement may touch a row only once and older versions would be
 * discarded by the version guard anyway. One exception: when the newest is a delete, the newest non-delete
 * before it survives too, so that a row inserted and soft-deleted within one batch keeps its columns (the
 * upsert and the delete are separate statements). A surviving row's columns that arrived as "unchanged" (TOAST) take
 * the value of the older row of the same key in the batch, when it has one. Tracks the next offset per partition, skipped records included.
 * For tables that keep a history, every version of every key is kept as well, once per (key, {@code __version}).
 * Keeps each row's consumed record, so a row the warehouse refuses can be dead-lettered as it arrived
 * ({@link #refuse}); a refused row is left out of the write while its offset still counts as consumed.
 */
public final class LatestVersionBatch {
    private final Map<String, Map<List<Object>, Slot>> tables = new LinkedHashMap<>();
    private final Set<String> historyTables;
    /** Per history table, every version once: a record delivered twice within the batch is one version. */
    private final Map<String, Map<VersionId, RowRecord>> versions = new LinkedHashMap<>();

    /** One version of one key: a history row's identity. */
    private record VersionId(List<Object> key, long version) {
    }

    public LatestVersionBatch() {
        this(Set.of());
    }

    /** @param historyTables target tables whose every version is kept for {@link #versionsByTable()} */
    public LatestVersionBatch(Set<String> historyTables) {
        this.historyTables = Set.copyOf(historyTables);
    }

    /** A fresh, empty batch for the same tables. */
    public LatestVersionBatch empty() {
        return new LatestVersionBatch(historyTables);
    }

    /** The newest live row and the newest delete of one key. */
    private record Slot(RowRecord live, RowRecord delete) {
        Slot with(RowRecord row) {
            return row.deleted() ? new Slot(live, newer(delete, row)) : new Slot(newerLive(live, row), delete);
        }

        Slot without(RowRecord row) {
            return new Slot(live == row ? null : live, delete == row ? null : delete);
        }

        boolean isEmpty() {
            return live == null && delete == null;
        }

        void addTo(List<RowRecord> out) {
            boolean deleteWins = delete != null && (live == null || delete.version() >= live.version());
            if (live != null) {
                out.add(live);
            }
            if (deleteWins) {
                out.add(delete);
            }
        }

        /** The newer live row; its unchanged (TOASTed) columns are filled from the other, which would otherwise be lost. */
        private static RowRecord newerLive(RowRecord old, RowRecord incoming) {
            RowRecord winner = newer(old, incoming);
            RowRecord loser = winner == incoming ? old : incoming;
            return loser != null && winner.hasUnchanged() ? winner.fillUnchangedFrom(loser) : winner;
        }

        private static RowRecord newer(RowRecord old, RowRecord incoming) {
            return old == null || incoming.version() >= old.version() ? incoming : old;
        }
    }
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    /** The consumed record of each row added, by partition and offset (rows do not hold their record). */
    private final Map<TopicPartition, Map<Long, SinkRecord>> sources = new HashMap<>();
    /** Per table, partition and origin: the newest source heartbeat seen since the last clear. */
    private final Map<FrontierStore.Position, FrontierStore.Position> heartbeats = new LinkedHashMap<>();
    private int records;

    /** Adds a row parsed from {@code source}, the record to dead-letter should the warehouse refuse the row. */
    public void add(RowRecord row, SinkRecord source) {
        sources.computeIfAbsent(row.partition(), p -> new HashMap<>()).put(row.offset(), source);
        add(row);
    }

    /** The record {@code row} was parsed from, or null when it was added without one. */
    public SinkRecord source(RowRecord row) {
        Map<Long, SinkRecord> byOffset = sources.get(row.partition());
        return byOffset == null ? null : byOffset.get(row.offset());
    }

    /** Leaves a surviving row out of the write (the warehouse refused it); its offset stays consumed. */
    public void refuse(RowRecord row) {
        Map<List<Object>, Slot> slots = tables.get(row.table());
        if (slots != null) {
            slots.computeIfPresent(row.keyIdentity(), (key, slot) -> {
                Slot rest = slot.without(row);
                return rest.isEmpty() ? null : rest;
            });
        }
        // a dead-lettered version stays out of the history too
        Map<VersionId, RowRecord> kept = versions.get(row.table());
        if (kept != null) {
            kept.remove(new VersionId(row.keyIdentity(), row.version()), row);
        }
    }

    public void add(RowRecord row) {
        tables.computeIfAbsent(row.table(), t -> new LinkedHashMap<>())
                .compute(row.keyIdentity(), (key, slot) -> (slot == null ? new Slot(null, null) : slot).with(row));
        if (historyTables.contains(row.table())) {
            versions.computeIfAbsent(row.table(), t -> new LinkedHashMap<>()).put(new VersionId(row.keyIdentity(), row.version()), row);
        }
        consumed(row.partition(), row.offset());
    }

    /** Whether the target table keeps a history. */
    public boolean keepsHistory(String table) {
        return historyTables.contains(table);
    }

    /** Per history table, every version of every key in the batch, each once. */
    public Map<String, Collection<RowRecord>> versionsByTable() {
        Map<String, Collection<RowRecord>> result = new LinkedHashMap<>();
        versions.forEach((table, rows) -> {
            if (!rows.isEmpty()) {
                result.put(table, List.copyOf(rows.values()));
            }
        });
        return result;
    }

    /** A source heartbeat: moves the table's completeness frontier when the batch is written. */
    public void heartbeat(FrontierStore.Position position, long offset) {
        heartbeats.merge(position, position, (old, now) -> now.lsn() >= old.lsn() ? now : old);
        consumed(position.partition(), offset);
    }

    /** The newest heartbeat per table, partition and origin since the last clear. */
    public Collection<FrontierStore.Position> heartbeats() {
        return heartbeats.values();
    }

    /** A record that writes nothing (tombstone, ignored delete) but still moves the partition's position. */
    public void consumed(TopicPartition partition, long offset) {
        nextOffsets.merge(partition, offset + 1, Math::max);
        records++;
    }

    /** Records added since the last clear, before collapsing per key. */
    public int size() {
        return records;
    }

    public boolean isEmpty() {
        return records == 0;
    }

    /** Table name to its surviving rows, in first-seen key order; a key has at most one live row and one delete. */
    public Map<String, Collection<RowRecord>> rowsByTable() {
        Map<String, Collection<RowRecord>> result = new LinkedHashMap<>();
        tables.forEach((table, slots) -> {
            List<RowRecord> rows = new ArrayList<>();
            slots.values().forEach(slot -> slot.addTo(rows));
            if (!rows.isEmpty()) {
                result.put(table, rows);
            }
        });
        return result;
    }

    public Map<TopicPartition, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    /** Forgets what came from partitions this task no longer owns; their new owner re-reads them. */
    public void drop(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = Set.copyOf(partitions);
        // a key lives in one partition, so a slot's rows share it
        tables.values().forEach(slots -> slots.values().removeIf(slot ->
                gone.contains((slot.live() != null ? slot.live() : slot.delete()).partition())));
        versions.values().forEach(rows -> rows.values().removeIf(row -> gone.contains(row.partition())));
        nextOffsets.keySet().removeAll(gone);
        sources.keySet().removeAll(gone);
        heartbeats.keySet().removeIf(p -> gone.contains(p.partition()));
        if (nextOffsets.isEmpty()) {
            clear();
        }
    }

    public void clear() {
        tables.clear();
        versions.clear();
        nextOffsets.clear();
        sources.clear();
        heartbeats.clear();
        records = 0;
    }
}
