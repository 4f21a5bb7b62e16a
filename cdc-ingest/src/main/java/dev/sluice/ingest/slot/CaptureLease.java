package dev.sluice.ingest.slot;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourceRequirements;
import dev.sluice.ingest.source.SourceSetupException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The right to capture through one replication slot, held as a PostgreSQL session advisory lock on a connection of
 * its own for as long as the process captures. A second {@code sluice ingest} on the same slot does not start
 * anything that would disturb the active one (its transactional producer would fence the active one's): it waits as
 * a standby, retrying the lock, and takes over once the holder is gone. PostgreSQL releases the lock when the
 * holder's session ends, which a SIGKILLed process's closed socket ends at once; the new holder then also waits for
 * the slot itself to be released by the old walsender, so two processes never capture at once. Needs a direct
 * session (not a transaction-pooling proxy): session advisory locks live as long as the server connection.
 */
public final class CaptureLease implements AutoCloseable {

    private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private final Connection connection;
    private final String slot;
    private volatile long checkedAt;
    private volatile boolean held = true;
    private volatile boolean released;

    private CaptureLease(Connection connection, String slot) {
        this.connection = connection;
        this.slot = slot;
        this.checkedAt = System.nanoTime();
    }

    /**
     * Blocks until this process holds the capture lease of {@code settings}' slot and the slot has no active
     * consumer, retrying every {@code retry}; {@code say} hears each change of state once (standby, waiting for the
     * slot, source unreachable). Interrupting the thread stops the wait.
     *
     * @throws SourceSetupException when the very first connection fails (a wrong URL, user or password)
     */
    public static CaptureLease acquire(IngestSettings settings, Duration retry, Consumer<String> say) throws InterruptedException {
        String slot = settings.slotName();
        long key = lockKey(slot);
        Connection connection = null;
        boolean locked = false;
        boolean everConnected = false;
        String lastSaid = null;
        while (true) {
            String state;
            try {
                if (connection == null || !connection.isValid(5)) {
                    closeQuietly(connection);
                    locked = false;
                    connection = connect(settings, everConnected);
                    everConnected = true;
                }
                locked = locked || tryLock(connection, key);
                if (locked) {
                    Integer activePid = slotActivePid(connection, slot);
                    if (activePid == null) {
                        say.accept("holds the capture lease of slot " + slot + " in " + settings.sourceAddress()
                                + "; capturing");
                        return new CaptureLease(connection, slot);
                    }
                    // the old holder's walsender may outlive its session by a moment; a foreign consumer for longer
                    state = "holds the capture lease of slot " + slot + "; waiting until its previous consumer (PostgreSQL PID "
                            + activePid + ") lets go of the slot";
                } else {
                    state = "is standby: another sluice ingest captures through slot " + slot + " in " + settings.sourceAddress()
                            + "; retrying every " + retry.toMillis() + " ms and taking over when it stops";
                }
            } catch (SQLException e) {
                closeQuietly(connection);
                connection = null;
                locked = false;
                state = "cannot take the capture lease of slot " + slot + " in " + settings.sourceAddress() + " ("
                        + e.getMessage() + "); retrying every " + retry.toMillis() + " ms";
            }
            if (!state.equals(lastSaid)) {
                say.accept(state);
                lastSaid = state;
            }
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                closeQuietly(connection);
                throw e;
            }
        }
    }

    /** The advisory lock key of a slot: the first 8 bytes of SHA-256("sluice-ingest:" + slot). */
    static long lockKey(String slot) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("sluice-ingest:" + slot).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (hash[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * False once the session holding the lock is gone (the source restarted, the network dropped it): another
     * process may then take over, so this one must stop capturing. Checked at most every {@link #CHECK_EVERY}.
     */
    public boolean held() {
        if (held && System.nanoTime() - checkedAt > CHECK_EVERY.toNanos()) {
            synchronized (this) {
                try {
                    held = connection.isValid(5);
                } catch (SQLException e) {
                    held = false;
                }
                checkedAt = System.nanoTime();
            }
        }
        return held;
    }

    /** True once {@link #close()} gave the lease up (a stop, not a loss). */
    public boolean released() {
        return released;
    }

    public String slot() {
        return slot;
    }

    /** Ends the session, releasing the lease: a standby takes over. Call after capturing stopped. */
    @Override
    public synchronized void close() {
        released = true;
        held = false;
        closeQuietly(connection);
    }

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The PID of the walsender streaming from the slot, or null when the slot is free or does not exist yet. */
    private static Integer slotActivePid(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? (Integer) rs.getObject(1) : null;
            }
        }
    }

    /**
     * A session for the lease. The first attempt of a process fails at once with the sentence a wrong URL or password
     * deserves (as the start did before there was a lease); later ones, a source restarting, are retried.
     */
    private static Connection connect(IngestSettings settings, boolean retryable) throws SQLException {
        try {
            return open(settings);
        } catch (SQLException e) {
            if (retryable) {
                throw e;
            }
            throw new SourceSetupException(SourceRequirements.sourceUnreachable(settings.sourceAddress(), e.getMessage()), e);
        }
    }

    private static Connection open(IngestSettings settings) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", Objects.requireNonNullElse(settings.password(), ""));
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "sluice-ingest-lease");
        // the server notices a vanished holder even without a FIN (a cut network): TCP keepalive on this session
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(settings.jdbcUrl(), props);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
        }
    }
}
