package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.drain.WarehouseFrontier;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.sink.config.TableNameFormat;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One warehouse sink connector: the topics it reads (its topic list or those its regex matches now) into one
 * warehouse table each, beside it {@code <table>_history} where history is kept, and its dead-letter topic. Its
 * progress is the warehouse's completeness frontier per table ({@code _sluice_progress}).
 */
public final class SinkJob implements JobLineage {

    private final String connector;
    private final Predicate<String> reads;
    private final WarehouseTarget warehouse;
    private volatile List<String> lastTables = List.of();

    public SinkJob(String connector, Predicate<String> reads, WarehouseTarget warehouse) {
        this.connector = connector;
        this.reads = reads;
        this.warehouse = warehouse;
    }

    /** A connector with {@code topics.regex}. */
    public static SinkJob matching(String connector, String topicsRegex, WarehouseTarget warehouse) {
        Pattern p = Pattern.compile(topicsRegex);
        return new SinkJob(connector, t -> p.matcher(t).matches(), warehouse);
    }

    /** A connector with a fixed {@code topics} list. */
    public static SinkJob of(String connector, List<String> topics, WarehouseTarget warehouse) {
        return new SinkJob(connector, List.copyOf(topics)::contains, warehouse);
    }

    @Override
    public String name() {
        return "connect." + connector;
    }

    @Override
    public String type() {
        return "SINK";
    }

    private List<String> topics(TopicCatalog catalog) {
        return catalog.topics().stream().filter(reads).filter(t -> !t.equals(SinkConnectorConfig.DEAD_LETTER_TOPIC)).toList();
    }

    @Override
    public List<Dataset> inputs(TopicCatalog catalog) {
        return topics(catalog).stream().map(catalog::dataset).toList();
    }

    @Override
    public List<Dataset> outputs(TopicCatalog catalog) {
        TableNameFormat names = new TableNameFormat(warehouse.tableNameFormat());
        List<Dataset> outputs = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        for (String topic : topics(catalog)) {
            String table = names.tableFor(topic);
            tables.add(table);
            Optional<Schema> rows = catalog.rowSchema(topic).filter(s -> s.getType() == Schema.Type.RECORD);
            outputs.add(table(table, rows));
            if (warehouse.historyTables().contains(table)) {
                outputs.add(table(table + "_history", Optional.empty()));
            }
        }
        lastTables = List.copyOf(tables);
        outputs.add(catalog.dataset(SinkConnectorConfig.DEAD_LETTER_TOPIC));
        return outputs;
    }

    private Dataset table(String table, Optional<Schema> rows) {
        Dataset d = DatasetNames.warehouseTable(warehouse, table);
        d = d.with("dataSource", Facets.dataSource(d.namespace()));
        return rows.isPresent() ? d.with("schema", Facets.schema(rows.get())) : d;
    }

    /** The frontier of the tables the last {@link #outputs} named; empty when the warehouse cannot be read now. */
    @Override
    public Optional<ObjectNode> progress() {
        if (lastTables.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, Long> frontier = new WarehouseFrontier(warehouse).read(lastTables);
            return Optional.of(Facets.progress(new java.util.TreeMap<>(frontier)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
