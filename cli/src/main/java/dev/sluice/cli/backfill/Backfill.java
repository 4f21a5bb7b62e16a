package dev.sluice.cli.backfill;

import dev.sluice.ingest.load.RowEstimate;

import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.control.PublicationTables;
import dev.sluice.ingest.publish.TopicNames;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One backfill: checks that the running ingest service can take it (its signal table exists, the
 * table is in its publication), notes where the change and notification topics end, asks for an
 * incremental snapshot by inserting Debezium's {@code execute-snapshot} signal into the signal
 * table, then prints progress (rows read into Kafka of the estimated total) until Debezium reports
 * the incremental snapshot complete. Streaming goes on meanwhile: the snapshot is read in chunks
 * between watermarks, interleaved with the stream.
 */
public final class Backfill {

    /** What a backfill needs to know. */
    public record Settings(SourceUrl source, TableId table, String slot, String publication, String controlSchema,
                           String topicPrefix, String bootstrapServers, String registryUrl,
                           Map<String, String> kafkaProperties, Duration progressInterval, Duration timeout) {
    }

    private final Settings settings;

    public Backfill(Settings settings) {
        this.settings = settings;
    }

    /** Runs it to the end; returns the rows read. Fails with one sentence when it cannot start or does not finish. */
    public long run(PrintWriter out) throws SQLException {
        TableId table = settings.table();
        ControlTables control = new ControlTables(settings.controlSchema(), settings.slot());
        String changeTopic = TopicNames.changeTopic(settings.topicPrefix(), table);
        String notificationTopic = settings.topicPrefix() + ".notifications";
        long started = System.nanoTime();
        try (Connection connection = connect(); KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            checkSignalTable(connection, control);
            checkPublished(connection, control);
            RowEstimate estimate = RowEstimate.of(connection, table);
            BackfillProgress progress = new BackfillProgress(consumer, settings.registryUrl(), changeTopic, notificationTopic, table);
            progress.startAtEnd();
            String signalId = control.requestBackfill(connection, table);
            out.printf("Backfill of %s requested (signal %s): %s rows to read into %s%n", table, signalId,
                    estimate.display(), changeTopic);
            out.flush();
            long deadline = started + settings.timeout().toNanos();
            long nextReport = System.nanoTime() + settings.progressInterval().toNanos();
            BackfillProgress.State state = BackfillProgress.State.RUNNING;
            while (state == BackfillProgress.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The backfill of " + table + " did not complete within "
                            + settings.timeout().toSeconds() + " s (" + progress.rowsRead() + " rows read); check that sluice"
                            + " ingest runs with slot " + settings.slot() + " and look at its log.");
                }
                state = progress.poll(Duration.ofMillis(200));
                if (System.nanoTime() >= nextReport) {
                    out.println(progressLine(table, progress.rowsRead(), estimate));
                    out.flush();
                    nextReport = System.nanoTime() + settings.progressInterval().toNanos();
                }
            }
            if (state == BackfillProgress.State.ABORTED) {
                throw new IllegalStateException("The backfill of " + table + " was aborted by Debezium after "
                        + progress.rowsRead() + " rows; look at the ingest log, then run sluice backfill again.");
            }
            progress.drainChangeTopic(Duration.ofSeconds(30));
            long seconds = Math.max(1, Duration.ofNanos(System.nanoTime() - started).toSeconds());
            out.printf("Backfill of %s complete: %,d rows read into %s in %d s.%n", table, progress.rowsRead(),
                    changeTopic, seconds);
            out.flush();
            return progress.rowsRead();
        }
    }

    static String progressLine(TableId table, long rows, RowEstimate estimate) {
        long percent = estimate.rows() <= 0 ? 100 : Math.min(100, rows * 100 / estimate.rows());
        return String.format("Backfill of %s: %,d of %s rows (%d%%)", table, rows, estimate.display(), percent);
    }

    private void checkSignalTable(Connection connection, ControlTables control) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, ControlTables.quoted(control.signal()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new IllegalStateException("The signal table " + control.signal() + " does not exist in "
                            + settings.source().display() + "; start sluice ingest with slot " + settings.slot()
                            + " first (it creates the table), or pass the slot it uses with --slot.");
                }
            }
        }
    }

    private void checkPublished(Connection connection, ControlTables control) throws SQLException {
        Set<TableId> published = new PublicationTables(settings.publication()).current(connection).orElse(Set.of());
        if (!published.contains(settings.table())) {
            throw new IllegalStateException("Table " + settings.table() + " is not captured by publication "
                    + settings.publication() + "; add it to the --tables of sluice ingest and restart it (a table added"
                    + " that way is backfilled automatically).");
        }
    }

    private Connection connect() {
        return connect(settings.source());
    }

    static Connection connect(SourceUrl source) {
        try {
            return DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to PostgreSQL at " + source.display() + " (" + e.getMessage()
                    + "); check --source-url and PGPASSWORD.", e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-backfill");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
