package dev.sluice.ingest.slot;

import dev.sluice.ingest.IngestSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how much WAL the source keeps for our slot ({@code pg_current_wal_lsn() -
 * confirmed_flush_lsn}) every check interval, publishes it as the gauge {@value #SLOT_LAG}
 * (bytes, tag {@code slot}) and logs a warning while it is above the configured threshold: a slot
 * that does not advance makes PostgreSQL keep WAL until its disk fills.
 *
 * <p>Its own connection, reopened after a failure; a failed measurement leaves the last value and
 * is logged, it never stops ingestion.
 */
public final class SlotLagMonitor implements AutoCloseable {

    public static final String SLOT_LAG = "sluice.ingest.slot.lag";
    private static final Logger log = LoggerFactory.getLogger(SlotLagMonitor.class);
    private static final String LAG_QUERY = """
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
            FROM pg_replication_slots WHERE slot_name = ?""";
    /** A warning is repeated at most this often while the lag stays high. */
    private static final Duration WARNING_REPEAT = Duration.ofMinutes(1);

    private final IngestSettings settings;
    private final AtomicLong lagBytes = new AtomicLong(-1);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-slot-lag");
        t.setDaemon(true);
        return t;
    });
    private final Gauge gauge;
    private final MeterRegistry registry;
    private final LagWarnings warnings;
    private Connection connection;

    public SlotLagMonitor(IngestSettings settings) {
        this(settings, Metrics.globalRegistry);
    }

    public SlotLagMonitor(IngestSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.warnings = new LagWarnings(settings.slotLagWarningBytes(), WARNING_REPEAT);
        // -1 until the first measurement (and while the slot does not exist yet)
        this.gauge = Gauge.builder(SLOT_LAG, lagBytes, AtomicLong::get)
                .description("WAL bytes the source keeps for the replication slot (current WAL LSN - confirmed flush LSN)")
                .baseUnit("bytes")
                .tag("slot", settings.slotName())
                .register(registry);
    }

    /** Measures now, then every check interval. */
    public void start() {
        long period = settings.slotLagCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::check, 0, period, TimeUnit.MILLISECONDS);
    }

    /** The last measured lag in bytes, or -1 before the first measurement. */
    public long lagBytes() {
        return lagBytes.get();
    }

    private void check() {
        try {
            OptionalLong lag = measure(connection());
            if (lag.isEmpty()) {
                return;
            }
            lagBytes.set(lag.getAsLong());
            warnIfHigh(lag.getAsLong());
        } catch (SQLException | RuntimeException e) {
            log.warn("Measuring the lag of replication slot {} failed: {}", settings.slotName(), e.getMessage());
            closeConnection();
        }
    }

    private void warnIfHigh(long lag) {
        long threshold = settings.slotLagWarningBytes();
        switch (warnings.reading(lag, System.nanoTime())) {
            case WARNING -> log.warn("Replication slot {} holds {} bytes of WAL, above the threshold of {} bytes; PostgreSQL"
                            + " keeps that WAL until ingestion catches up: check that sluice ingest runs and keeps up with the source",
                    settings.slotName(), lag, threshold);
            case RECOVERED -> log.info("Replication slot {} lag is back to {} bytes (threshold {})", settings.slotName(), lag, threshold);
            case NONE -> { }
        }
    }

    /** The lag of the settings' slot, empty when the slot does not exist. */
    public OptionalLong measure(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LAG_QUERY)) {
            s.setString(1, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                    return OptionalLong.of(rs.getLong(1));
                }
                return OptionalLong.empty();
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties props = new Properties();
            props.setProperty("user", settings.user());
            props.setProperty("password", settings.password());
            props.setProperty("connectTimeout", "10");
            props.setProperty("ApplicationName", "sluice-ingest-slot-lag");
            connection = DriverManager.getConnection(settings.jdbcUrl(), props);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
        registry.remove(gauge);
    }
}
