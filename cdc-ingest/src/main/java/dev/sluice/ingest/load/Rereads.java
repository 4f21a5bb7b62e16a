package dev.sluice.ingest.load;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Debezium to read rows again after their table's load ({@link InitialLoad#onRereadNeeded}): incremental
 * snapshots of the table restricted to those keys ({@link KeyFilter}), as signals of at most
 * {@value #MAX_FILTER_CHARS} characters of filter (the signal table's data column holds 2,048). The reads get a
 * version after every change of the row so far, so consumers take them over the incomplete update. On its own thread:
 * the publisher that learns of the load's end must not wait on the source.
 */
public final class Rereads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rereads.class);
    static final int MAX_FILTER_CHARS = 1_500;

    /** Opens a connection to the source. */
    @FunctionalInterface
    public interface Source {
        Connection connect() throws SQLException;
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "sluice-ingest-rereads");
        thread.setDaemon(true);
        return thread;
    });
    private final InitialLoad load;
    private final ControlTables control;
    private final Source source;

    public Rereads(InitialLoad load, ControlTables control, Source source) {
        this.load = load;
        this.control = control;
        this.source = source;
        load.onRereadNeeded((table, keys) -> executor.execute(() -> request(table, keys)));
    }

    private void request(TableId table, List<Struct> keys) {
        List<String> filters = filters(keys);
        if (filters.isEmpty()) {
            log.warn("{} row(s) of {} were updated while the table loaded, leaving a TOASTed column out, but its key type"
                    + " cannot be selected exactly here; run sluice backfill --table {} to be sure they are whole.",
                    keys.size(), table, table);
            load.rereadRequested(table, true);
            return;
        }
        try (Connection connection = source.connect()) {
            for (String filter : filters) {
                String id = UUID.randomUUID().toString();
                load.rereadSignalled(table, id); // before the signal exists: its end cannot come first
                control.requestReread(connection, id, table, filter);
            }
            load.rereadRequested(table, false);
            log.info("Reading {} row(s) of {} again: they were updated while the table loaded, leaving a TOASTed column"
                    + " out, so their load may have missed it", keys.size(), table);
        } catch (SQLException e) {
            log.warn("Requesting to read {} row(s) of {} again failed ({}); run sluice backfill --table {} to be sure"
                    + " their TOASTed columns are whole.", keys.size(), table, e.getMessage(), table);
            load.rereadRequested(table, true);
        }
    }

    /** One filter per group of keys short enough for a signal; empty when the keys cannot be filtered on. */
    static List<String> filters(List<Struct> keys) {
        List<String> filters = new ArrayList<>();
        List<Struct> group = new ArrayList<>();
        String last = null;
        for (Struct key : keys) {
            group.add(key);
            Optional<String> filter = KeyFilter.of(group);
            if (filter.isEmpty()) {
                return List.of();
            }
            if (filter.get().length() > MAX_FILTER_CHARS && last != null) {
                filters.add(last);
                group = new ArrayList<>(List.of(key));
                filter = KeyFilter.of(group);
            }
            last = filter.get();
        }
        if (last != null) {
            filters.add(last);
        }
        return filters;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
