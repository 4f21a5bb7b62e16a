package dev.sluice.cli.drain;

/** PostgreSQL's way of writing an LSN (high/low 32 bits in hex), for messages people compare with pg_current_wal_lsn(). */
public final class Lsn {

    private Lsn() {
    }

    public static String format(long lsn) {
        if (lsn < 0) {
            return "none";
        }
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
