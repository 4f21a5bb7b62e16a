package dev.sluice.cli.rebuild;

import java.time.Instant;

/**
 * One table of a rebuild: the shadow against the live table.
 *
 * @param liveRows null when there is no live table yet (a table the new version adds)
 * @param shadow   the shadow's progress; null before its first write
 * @param live     the live table's progress; null when it has none
 */
public record TableStatus(String table, String shadowTable, long shadowRows, Long liveRows, Progress shadow,
                          Progress live, Drain drain) {

    /** A table both versions give a frontier, or none is compared through Kafka. */
    public TableStatus(String table, String shadowTable, long shadowRows, Long liveRows, Progress shadow, Progress live) {
        this(table, shadowTable, shadowRows, liveRows, shadow, live, null);
    }

    /**
     * The pipelines compared through Kafka ({@link ShadowDrain}), for a table whose rows carry no source position.
     *
     * @param behind where the shadow is behind, one sentence; null when it has caught up
     */
    public record Drain(String behind) {
    }

    /** Whether the shadow and the live table both have a completeness frontier, which then decides. */
    public boolean frontiers() {
        return shadow != null && live != null && shadow.completeVersion() != null && live.completeVersion() != null;
    }

    /**
     * A table's row in {@code _sluice_progress}.
     *
     * @param completeVersion the completeness frontier (every change before it is in the table); null before the
     *                        first heartbeat went through
     * @param completeTs      its source commit time
     * @param version         the newest change applied
     */
    public record Progress(Long completeVersion, Long completeTs, Long version, Long sourceTs) {

        /** The position compared for "caught up": the frontier when known, else the newest change applied. */
        long position(boolean useFrontier) {
            Long p = useFrontier ? completeVersion : version;
            return p == null ? -1 : p;
        }

        String describe() {
            if (completeVersion != null) {
                return "complete to version " + completeVersion + " (" + Instant.ofEpochMilli(completeTs) + ")";
            }
            return version == null ? "nothing applied" : "applied up to version " + version + " (no frontier yet)";
        }
    }

    /**
     * The shadow's frontier at or past the live one when both have one; else, when the pipelines were compared through
     * Kafka, whether the shadow has gone through everything the live application read; else the newest versions applied.
     */
    public boolean caughtUp() {
        if (shadow == null) {
            return false;
        }
        if (live == null) {
            return true;
        }
        if (!frontiers() && drain != null) {
            return drain.behind() == null;
        }
        boolean frontiers = frontiers();
        return shadow.position(frontiers) >= live.position(frontiers);
    }

    /** One line for {@code sluice rebuild status}. */
    public String line() {
        return table + ": shadow " + shadowTable + " " + String.format("%,d", shadowRows) + " rows, "
                + (shadow == null ? "nothing applied" : shadow.describe()) + "; live "
                + (liveRows == null ? "(no table)" : table + " " + String.format("%,d", liveRows) + " rows, "
                + (live == null ? "nothing applied" : live.describe())) + "; caught up: " + (caughtUp() ? "yes" : "no")
                + (drain != null && !frontiers() && drain.behind() != null ? " (" + drain.behind() + ")" : "");
    }
}
