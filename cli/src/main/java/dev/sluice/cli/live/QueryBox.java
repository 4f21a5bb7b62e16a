package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The page's read-only query box on the warehouse ({@code POST /live/query}, the statement as the body): one
 * SELECT, at most {@link #MAX_ROWS} rows, cancelled after {@link #TIME_LIMIT}; answered only to this machine, since
 * the HTTP port listens on every interface for probes and the warehouse may hold what the specs mask downstream.
 */
public final class QueryBox {

    static final int MAX_ROWS = 500;
    static final Duration TIME_LIMIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer: status and JSON body ({@code error} with a sentence, or {@code columns} and {@code rows}). */
    public record Answer(int status, ObjectNode body) {
    }

    private final WarehouseReader warehouse;
    private final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-query-box-timer");
        t.setDaemon(true);
        return t;
    });

    public QueryBox(WarehouseReader warehouse) {
        this.warehouse = warehouse;
    }

    Answer answer(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return refuse(405, "Send the query as the body of a POST to /live/query.");
        }
        if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
            return refuse(403, "The query box answers only on the machine sluice runs on; open the page there"
                    + " (http://localhost:<port>/).");
        }
        byte[] body = exchange.getRequestBody().readNBytes(ReadOnlySql.MAX_LENGTH * 4 + 1);
        return run(new String(body, StandardCharsets.UTF_8));
    }

    /** Checks and runs {@code sql}; a refusal or a warehouse error is a 400 with one sentence. */
    Answer run(String sql) {
        String checked;
        try {
            checked = ReadOnlySql.check(sql);
        } catch (ReadOnlySql.Refused e) {
            return refuse(400, e.getMessage());
        }
        long started = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        try {
            ObjectNode result = warehouse.read(c -> {
                // prepared first: DuckDB then names what is wrong (an unknown table, a syntax error) in its exception
                try (PreparedStatement s = c.prepareStatement(ReadOnlySql.wrap(checked, MAX_ROWS))) {
                    ScheduledFuture<?> timer = canceller.schedule(() -> {
                        timedOut.set(true);
                        try {
                            s.cancel();
                        } catch (SQLException ignored) {
                            // the statement finished meanwhile
                        }
                    }, TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    try (ResultSet rs = s.executeQuery()) {
                        return rows(rs);
                    } finally {
                        timer.cancel(false);
                    }
                }
            });
            result.put("ms", (System.nanoTime() - started) / 1_000_000);
            return new Answer(200, result);
        } catch (SQLException | RuntimeException e) {
            if (timedOut.get()) {
                return refuse(400, "The query ran longer than the query box's limit of " + TIME_LIMIT.toSeconds()
                        + " s and was cancelled; narrow it (a WHERE clause, fewer joins) or add a LIMIT.");
            }
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return refuse(400, "The warehouse refused the query: " + message);
        }
    }

    private static ObjectNode rows(ResultSet rs) throws SQLException {
        ObjectNode result = JSON.createObjectNode();
        ResultSetMetaData meta = rs.getMetaData();
        ArrayNode columns = result.putArray("columns");
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        ArrayNode rows = result.putArray("rows");
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == MAX_ROWS) {
                truncated = true;
                break;
            }
            ArrayNode row = rows.addArray();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = rs.getObject(i);
                if (value == null) {
                    row.addNull();
                } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                    row.add(((Number) value).longValue());
                } else if (value instanceof Double || value instanceof Float) {
                    row.add(((Number) value).doubleValue());
                } else if (value instanceof BigDecimal d) {
                    row.add(d);
                } else if (value instanceof Boolean b) {
                    row.add(b);
                } else {
                    row.add(value.toString());
                }
            }
        }
        result.put("truncated", truncated).put("maxRows", MAX_ROWS);
        return result;
    }

    private static Answer refuse(int status, String sentence) {
        return new Answer(status, JSON.createObjectNode().put("error", sentence));
    }
}
