package dev.sluice.cli.lineage;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.sink.config.TableNameFormat;

import java.net.URI;
import java.nio.file.Path;

/**
 * Dataset names after OpenLineage's naming spec, so Sluice's datasets join those other producers report:
 * PostgreSQL {@code postgres://HOST:PORT} + {@code DATABASE.SCHEMA.TABLE}; Kafka {@code kafka://HOST:PORT} (the first
 * bootstrap server) + topic. DuckDB has no entry in the spec; Sluice names a table {@code duckdb://<absolute file
 * path>} + {@code main.<table>} (the file is the database, {@code main} its default schema).
 */
public final class DatasetNames {

    /** The schema the sink writes PostgreSQL warehouse tables into (the connection's search path). */
    static final String WAREHOUSE_SCHEMA = "public";
    static final String DUCKDB_SCHEMA = "main";

    private DatasetNames() {
    }

    public static Dataset sourceTable(SourceUrl source, String schemaDotTable) {
        return new Dataset(postgresNamespace(source.host(), source.port()), source.database() + "." + schemaDotTable);
    }

    public static Dataset topic(String bootstrapServers, String topic) {
        return new Dataset(kafkaNamespace(bootstrapServers), topic);
    }

    public static String kafkaNamespace(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        String host = colon < 0 ? first : first.substring(0, colon);
        String port = colon < 0 ? "9092" : first.substring(colon + 1);
        return "kafka://" + host + ":" + port;
    }

    public static String postgresNamespace(String host, int port) {
        return "postgres://" + host + ":" + port;
    }

    /** The warehouse table the sink writes {@code topic} into (the warehouse's {@code table.name.format}). */
    public static Dataset warehouseTableOf(WarehouseTarget warehouse, String topic) {
        return warehouseTable(warehouse, new TableNameFormat(warehouse.tableNameFormat()).tableFor(topic));
    }

    public static Dataset warehouseTable(WarehouseTarget warehouse, String table) {
        if (warehouse.isDuckDb()) {
            return new Dataset(duckDbNamespace(warehouse.jdbcUrl()), DUCKDB_SCHEMA + "." + table);
        }
        URI uri = URI.create(warehouse.jdbcUrl().substring("jdbc:".length()));
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new Dataset(postgresNamespace(uri.getHost(), port), database + "." + WAREHOUSE_SCHEMA + "." + table);
    }

    /** {@code duckdb:///abs/path/warehouse.duckdb} for {@code jdbc:duckdb:path/warehouse.duckdb}. */
    public static String duckDbNamespace(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:duckdb:".length());
        int params = file.indexOf('?');
        if (params >= 0) {
            file = file.substring(0, params);
        }
        return "duckdb://" + Path.of(file).toAbsolutePath().normalize();
    }
}
