package dev.sluice.cli.lineage;

import dev.sluice.cli.source.SourceUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * cdc-ingest's capture: the source tables (PostgreSQL datasets, their columns as the source declares them) into
 * their change topics {@code <prefix>.<schema>.<table>}.
 */
public final class IngestJob implements JobLineage {

    private final String slot;
    private final SourceUrl source;
    private final Supplier<List<String>> tables;
    private final String topicPrefix;
    private final Map<String, Map<String, String>> columns = new ConcurrentHashMap<>();

    /** @param tables the captured tables as {@code schema.table}, as resolved at start */
    public IngestJob(String slot, SourceUrl source, Supplier<List<String>> tables, String topicPrefix) {
        this.slot = slot;
        this.source = source;
        this.tables = tables;
        this.topicPrefix = topicPrefix;
    }

    @Override
    public String name() {
        return "ingest." + slot;
    }

    @Override
    public String type() {
        return "INGEST";
    }

    @Override
    public List<Dataset> inputs(TopicCatalog catalog) {
        List<Dataset> inputs = new ArrayList<>();
        for (String table : tables.get()) {
            Dataset d = DatasetNames.sourceTable(source, table);
            d = d.with("dataSource", Facets.dataSource(d.namespace()));
            Map<String, String> cols = columnsOf(table);
            inputs.add(cols.isEmpty() ? d : d.with("schema", Facets.schema(cols)));
        }
        return inputs;
    }

    @Override
    public List<Dataset> outputs(TopicCatalog catalog) {
        return tables.get().stream().map(t -> catalog.dataset(topicPrefix + "." + t)).toList();
    }

    /** The table's columns and types, read once from the source's catalog (empty while it cannot be read). */
    private Map<String, String> columnsOf(String table) {
        Map<String, String> known = columns.get(table);
        if (known != null) {
            return known;
        }
        String[] parts = table.split("\\.", 2);
        Map<String, String> read = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
             ResultSet rs = c.getMetaData().getColumns(null, parts[0], parts[1], null)) {
            while (rs.next()) {
                read.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
            }
        } catch (Exception e) {
            return Map.of(); // tried again at the next event
        }
        if (!read.isEmpty()) {
            columns.put(table, read);
        }
        return read;
    }
}
