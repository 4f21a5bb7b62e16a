package dev.sluice.cli.rebuild;

import java.time.Duration;

/**
 * How fast a shadow table closes in on its live table, from two {@link TableStatus} samples taken {@code elapsed}
 * apart: rows written per second, and how fast its completeness frontier moves through source time. The live frontier
 * moves at real time (1x) while the source writes, so a shadow whose frontier moves at {@code speed}x catches up
 * {@code lag / (speed - 1)} from now.
 *
 * @param rowsPerSecond change of the shadow's row count per second (upserts of existing keys do not count)
 * @param speed         source milliseconds the shadow's frontier passed per wall millisecond; null without frontiers
 * @param eta           time to catch up; null when caught up, unknown, or not closing in
 */
public record CatchUp(double rowsPerSecond, Double speed, Duration eta) {

    public static CatchUp between(TableStatus before, TableStatus after, Duration elapsed) {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        double rows = (after.shadowRows() - before.shadowRows()) / seconds;
        Long from = before.shadow() == null ? null : before.shadow().completeTs();
        Long to = after.shadow() == null ? null : after.shadow().completeTs();
        if (from == null || to == null) {
            return new CatchUp(rows, null, null);
        }
        double speed = (to - from) / (seconds * 1000);
        Duration eta = null;
        Long live = after.live() == null ? null : after.live().completeTs();
        if (!after.caughtUp() && live != null && speed > 1) {
            eta = Duration.ofMillis((long) ((live - to) / (speed - 1)));
        }
        return new CatchUp(rows, speed, eta);
    }

    /** E.g. {@code 1,234 rows/s, frontier at 35.0x real time, about 12 s to catch up}. */
    public String describe(boolean caughtUp) {
        String line = String.format("%,.0f rows/s", rowsPerSecond);
        if (speed == null) {
            return line + ", no frontier yet";
        }
        line += String.format(", frontier at %.1fx real time", speed);
        if (caughtUp) {
            return line;
        }
        return line + (eta == null ? ", not closing in yet" : ", about " + human(eta) + " to catch up");
    }

    private static String human(Duration d) {
        long s = Math.max(d.toSeconds(), 1);
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
    }
}
