package dev.sluice.ingest;

import java.time.Duration;

/**
 * How much one Kafka transaction of the ingest producer may hold before it is committed, even in the
 * middle of a source transaction or a snapshot: so that no source transaction, however large, keeps a
 * Kafka transaction open until the coordinator's {@code transaction.timeout.ms} aborts it, and
 * read_committed readers see a large load in steps instead of all at once at its end.
 *
 * <p>A commit forced by the bound stores no source offset (the stored position stays before the source
 * transaction): after a crash the whole source transaction is read again, and its changes arrive a second
 * time with the same {@code source.lsn}, which version-guarded and deduplicating consumers absorb
 * (docs/cdc-ingest.md, "Bounded Kafka transactions").
 *
 * @param maxChanges changes in one Kafka transaction
 * @param maxBytes   serialised key and value bytes in one Kafka transaction
 * @param maxAge     time since the Kafka transaction began
 */
public record TransactionBound(int maxChanges, long maxBytes, Duration maxAge) {

    /** Far above the usual source transaction (which stays atomic in Kafka), far below the 15 min timeout. */
    public static final TransactionBound DEFAULT = new TransactionBound(100_000, 64L << 20, Duration.ofSeconds(30));

    public TransactionBound {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("The Kafka transaction bound must allow at least 1 change, got " + maxChanges + ".");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("The Kafka transaction bound must allow at least 1 byte, got " + maxBytes + ".");
        }
        if (maxAge == null || maxAge.isZero() || maxAge.isNegative()) {
            throw new IllegalArgumentException("The Kafka transaction bound's age must be positive, got " + maxAge + ".");
        }
    }

    /** True when a transaction holding this much, open this long, must commit now. */
    public boolean reached(int changes, long bytes, long ageNanos) {
        return changes >= maxChanges || bytes >= maxBytes || ageNanos >= maxAge.toNanos();
    }
}
