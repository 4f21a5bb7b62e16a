package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.drain.WarehouseFrontier;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.load.TableLoadProgress;
import dev.sluice.ingest.source.TableId;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.metrics.SinkMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What {@code sluice local}'s page shows beyond the stages: the pipeline as a graph (source tables, change topics,
 * pipelines, row topics, warehouse tables) with each edge's rate and lag, per warehouse table its rows in source and
 * warehouse, freshness with a sparkline, completeness frontier, last change and initial-load progress, the slot's
 * lag, recent dead letters and quarantined records, and the demo's revenue chart.
 */
public final class LocalView implements LiveView {

    /** Freshness a table is expected to keep; the page marks a table behind it as backing up. */
    static final double FRESHNESS_SLO_SECONDS = 30;
    /** One sparkline point every this many ticks, {@link #HISTORY} points: the last five minutes. */
    private static final int SAMPLE_EVERY = 5;
    private static final int HISTORY = 60;

    /** Where the pipeline's parts are; {@code revenueTable} is null when there is no revenue chart to draw. */
    public record Parts(SourceUrl source, List<String> sourceTables, WarehouseTarget warehouse, String bootstrapServers,
                        List<PipelineFlow> flows, Supplier<List<String>> sinkGroups,
                        Supplier<List<TableLoadProgress>> loads, String revenueTable) {
    }

    private final Parts parts;
    private final TableNameFormat names;
    private final Admin admin;
    private final TopicFlow flow;
    private final SourceStats source;
    private final WarehouseReader warehouse;
    private final ProblemTail problems;
    private final Map<String, Deque<Double>> history = new HashMap<>();
    private final Map<String, double[]> lastChange = new HashMap<>(); // table -> {rows written, epoch ms it changed}
    private int ticks;

    public LocalView(Parts parts) {
        this.names = new TableNameFormat(parts.warehouse().tableNameFormat());
        this.parts = parts;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
        this.flow = new TopicFlow(admin);
        this.source = new SourceStats(parts.source());
        this.warehouse = new WarehouseReader(parts.warehouse());
        Map<String, String> tableOfPipeline = new HashMap<>();
        parts.flows().forEach(f -> tableOfPipeline.put(f.name(),
                f.inputs().isEmpty() ? null : f.inputs().get(0).substring(f.inputs().get(0).lastIndexOf('.') + 1)));
        this.problems = new ProblemTail(parts.bootstrapServers(), tableOfPipeline::get);
        this.problems.start();
    }

    /** The warehouse reader the page's query box shares. */
    public WarehouseReader warehouse() {
        return warehouse;
    }

    @Override
    public void fill(ObjectNode snapshot) {
        ticks++;
        // the graph's nodes, in column order, and the warehouse table each row topic lands in
        Set<String> changeTopics = new LinkedHashSet<>();
        Set<String> rowTopics = new LinkedHashSet<>();
        parts.sourceTables().forEach(t -> changeTopics.add("sluice." + t));
        for (PipelineFlow f : parts.flows()) {
            changeTopics.addAll(f.inputs().stream().filter(t -> t.startsWith("sluice.")).toList());
            rowTopics.addAll(f.outputs());
        }
        Map<String, String> tableOf = new LinkedHashMap<>();
        rowTopics.forEach(t -> tableOf.put(t, names.tableFor(t)));
        List<String> tables = new ArrayList<>(new LinkedHashSet<>(tableOf.values()));

        List<String> groups = new ArrayList<>(parts.sinkGroups().get());
        parts.flows().forEach(f -> groups.add(f.group()));
        TopicFlow.Reading reading = null;
        try {
            List<String> topics = new ArrayList<>(changeTopics);
            topics.addAll(rowTopics);
            reading = flow.read(topics, groups);
        } catch (Exception e) {
            snapshot.put("kafkaProblem", "Kafka did not answer: " + e.getMessage());
        }
        graph(snapshot.putObject("graph"), changeTopics, tableOf, reading);

        Map<String, Long> sourceRows = source.counts(parts.sourceTables());
        Map<String, Long> warehouseRows = warehouseCounts(tables);
        Map<String, Long> frontier = new HashMap<>();
        try {
            frontier = new WarehouseFrontier(parts.warehouse()).read(tables);
        } catch (SQLException e) {
            // the progress table is not there yet
        }
        ObjectNode slot = source.slot();
        if (slot != null) {
            snapshot.set("slot", slot);
        }
        Map<String, TableLoadProgress> loads = new HashMap<>();
        parts.loads().get().forEach(p -> loads.put(parts.warehouse().tableFor(p.table()), p));
        long currentLsn = slot == null ? -1 : slot.path("currentLsn").asLong(-1);
        ArrayNode rows = snapshot.putArray("tables");
        for (String table : tables) {
            String sourceTable = parts.sourceTables().stream().filter(t -> parts.warehouse().tableFor(TableId.parse(t)).equals(table))
                    .findFirst().orElse(null);
            ObjectNode row = rows.addObject().put("table", table).put("source", sourceTable);
            putCount(row, "sourceRows", sourceTable == null ? null : sourceRows.get(sourceTable));
            putCount(row, "warehouseRows", warehouseRows.get(table));
            Double freshness = freshness(table);
            if (freshness != null) {
                row.put("freshnessS", freshness);
                if (ticks % SAMPLE_EVERY == 1) {
                    Deque<Double> points = history.computeIfAbsent(table, t -> new ArrayDeque<>());
                    points.addLast(freshness);
                    while (points.size() > HISTORY) {
                        points.removeFirst();
                    }
                }
            }
            ArrayNode spark = row.putArray("freshnessHistory");
            history.getOrDefault(table, new ArrayDeque<>()).forEach(spark::add);
            row.put("sloS", FRESHNESS_SLO_SECONDS);
            long lsn = frontier.getOrDefault(table, -1L);
            if (lsn >= 0) {
                row.put("frontierLsn", lsn);
                if (currentLsn >= 0) {
                    row.put("frontierBehindBytes", Math.max(0, currentLsn - lsn));
                }
            }
            double written = written(table);
            double[] last = lastChange.get(table);
            if (last == null || last[0] != written) {
                lastChange.put(table, new double[] {written, last == null ? 0 : System.currentTimeMillis()});
            }
            if (lastChange.get(table)[1] > 0) {
                row.put("lastChange", (long) lastChange.get(table)[1]);
            }
            TableLoadProgress load = loads.get(table);
            if (load != null) {
                row.put("load", load.line()).put("loadDone", load.done());
            }
        }
        problems.toJson(snapshot.putArray("problems"));
        if (parts.revenueTable() != null) {
            revenue(snapshot);
        }
    }

    private void graph(ObjectNode graph, Set<String> changeTopics, Map<String, String> tableOf, TopicFlow.Reading reading) {
        ArrayNode nodes = graph.putArray("nodes");
        ArrayNode edges = graph.putArray("edges");
        for (String t : parts.sourceTables()) {
            nodes.addObject().put("id", "src:" + t).put("column", 0).put("label", t).put("stage", "ingest");
            edge(edges, "src:" + t, "topic:sluice." + t, "ingest", rate(reading, "sluice." + t), -1);
        }
        changeTopics.forEach(t -> nodes.addObject().put("id", "topic:" + t).put("column", 1).put("label", t)
                .put("stage", "ingest"));
        for (PipelineFlow f : parts.flows()) {
            nodes.addObject().put("id", "pipe:" + f.name()).put("column", 2).put("label", f.name()).put("stage", f.stage());
            for (String in : f.inputs()) {
                edge(edges, "topic:" + in, "pipe:" + f.name(), f.stage(), -1, reading == null ? -1 : reading.lag(f.group(), in));
            }
            for (String out : f.outputs()) {
                edge(edges, "pipe:" + f.name(), "topic:" + out, f.stage(), rate(reading, out), -1);
            }
        }
        List<String> sinkGroups = parts.sinkGroups().get();
        Set<String> tablesDrawn = new LinkedHashSet<>();
        tableOf.forEach((topic, table) -> {
            nodes.addObject().put("id", "topic:" + topic).put("column", 3).put("label", topic).put("stage", "connect");
            if (tablesDrawn.add(table)) {
                nodes.addObject().put("id", "wh:" + table).put("column", 4).put("label", table).put("stage", "connect");
            }
            long lag = -1;
            if (reading != null) {
                for (String g : sinkGroups) {
                    long l = reading.lag(g, topic);
                    lag = l < 0 ? lag : Math.max(lag, 0) + l;
                }
            }
            edge(edges, "topic:" + topic, "wh:" + table, "connect", rate(reading, topic), lag);
        });
    }

    private static void edge(ArrayNode edges, String from, String to, String stage, double rate, long lag) {
        ObjectNode e = edges.addObject().put("from", from).put("to", to).put("stage", stage);
        if (rate >= 0) {
            e.put("rate", Math.round(rate * 10) / 10.0);
        }
        if (lag >= 0) {
            e.put("lag", lag);
        }
    }

    private static double rate(TopicFlow.Reading reading, String topic) {
        return reading == null ? -1 : reading.rates().getOrDefault(topic, -1.0);
    }

    private static void putCount(ObjectNode row, String field, Long count) {
        if (count != null) {
            row.put(field, count);
        }
    }

    private Map<String, Long> warehouseCounts(List<String> tables) {
        Map<String, Long> counts = new HashMap<>();
        try {
            warehouse.read(c -> {
                for (String table : tables) {
                    try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM "
                            + WarehouseReader.quote(table) + " WHERE NOT " + WarehouseReader.quote("__deleted"))) {
                        rs.next();
                        counts.put(table, rs.getLong(1));
                    } catch (SQLException e) {
                        // not created yet: the sink creates a table with its first row
                        if (!c.getAutoCommit()) {
                            c.rollback();
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            // the warehouse cannot be opened right now; the page shows the counts as unknown
        }
        return counts;
    }

    private static Double freshness(String table) {
        Gauge gauge = Metrics.globalRegistry.find(SinkMetrics.TABLE_FRESHNESS).tag("table", table).gauge();
        return gauge == null ? null : Math.round(gauge.value() * 10) / 10.0;
    }

    private static double written(String table) {
        return Metrics.globalRegistry.find(SinkMetrics.ROWS_UPSERTED).tag("table", table).counters().stream()
                .mapToDouble(Counter::count).sum()
                + Metrics.globalRegistry.find(SinkMetrics.ROWS_DELETED).tag("table", table).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Revenue per minute by category and region over the table's last 15 minutes. */
    private void revenue(ObjectNode snapshot) {
        String t = WarehouseReader.quote(parts.revenueTable());
        String sql = "SELECT CAST(extract(epoch FROM window_start) * 1000 AS BIGINT) AS minute, category, region,"
                + " CAST(revenue AS DOUBLE PRECISION) AS revenue FROM " + t + " WHERE NOT __deleted AND items > 0"
                + " AND window_start >= (SELECT max(window_start) FROM " + t + " WHERE NOT __deleted)"
                + " - INTERVAL '14 minutes' ORDER BY 1, 2, 3";
        try {
            ArrayNode points = warehouse.read(c -> {
                ArrayNode out = snapshot.arrayNode();
                try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        out.addObject().put("minute", rs.getLong(1)).put("category", rs.getString(2))
                                .put("region", rs.getString(3)).put("revenue", rs.getDouble(4));
                    }
                }
                return out;
            });
            snapshot.putObject("revenue").put("table", parts.revenueTable()).set("points", points);
        } catch (SQLException e) {
            // no revenue row yet
        }
    }

    @Override
    public void close() {
        problems.close();
        source.close();
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
