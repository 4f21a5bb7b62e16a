package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseSinkConnectorTest {
    @TempDir
    Path dir;

    private static List<String> urlErrors(Map<String, String> props) {
        Config config = new WarehouseSinkConnector().validate(props);
        return config.configValues().stream().filter(v -> v.name().equals("connection.url")).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void unknownDialectIsAnErrorOnConnectionUrl() {
        assertThat(urlErrors(Map.of("connection.url", "jdbc:mysql://localhost/shop")))
                .singleElement().asString().contains("unknown dialect").contains("jdbc:postgresql://");
    }

    @Test
    void unreachablePostgresIsAnErrorOnConnectionUrl() {
        assertThat(urlErrors(Map.of("connection.url", "jdbc:postgresql://localhost:1/shop")))
                .singleElement().asString().startsWith("Cannot open the postgresql database").contains("reachable");
    }

    @Test
    void unopenableDuckDbFileIsAnErrorOnConnectionUrl() {
        String url = "jdbc:duckdb:" + dir.resolve("missing-dir").resolve("w.duckdb");
        assertThat(urlErrors(Map.of("connection.url", url))).singleElement().asString().startsWith("Cannot open the duckdb database");
    }

    @Test
    void aWorkingDuckDbFileValidatesCleanly() {
        Config config = new WarehouseSinkConnector().validate(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb")));
        assertThat(config.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void otherFieldsAreReportedPerField() {
        Config config = new WarehouseSinkConnector().validate(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"),
                "delete.mode", "purge", "batch.size", "0"));
        assertThat(config.configValues()).filteredOn(v -> !v.errorMessages().isEmpty()).extracting(ConfigValue::name)
                .containsExactlyInAnyOrder("delete.mode", "batch.size");
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new java.util.TreeMap<>();
        new WarehouseSinkConnector().validate(props).configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .forEach(v -> errors.put(v.name(), v.errorMessages()));
        return errors;
    }

    @Test
    void hardDeleteWithoutAKeyIsAnErrorOnDeleteMode() {
        Map<String, List<String>> errors = errors(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"),
                "pk.mode", "none", "insert.mode", "insert", "delete.mode", "hard"));
        assertThat(errors).containsOnlyKeys("delete.mode");
        assertThat(errors.get("delete.mode")).singleElement().asString().startsWith("delete.mode=hard needs a key")
                .contains("pk.mode=record_key");
    }

    @Test
    void upsertWithoutAKeyIsAnErrorOnInsertModeAndPkFieldsWithoutAKeyOnPkFields() {
        Map<String, List<String>> errors = errors(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"),
                "pk.mode", "none", "pk.fields", "id"));
        assertThat(errors).containsOnlyKeys("insert.mode", "pk.fields");
        assertThat(errors.get("insert.mode")).singleElement().asString().contains("insert.mode=insert");
    }

    @Test
    void historyWithoutAKeyIsAnErrorOnHistoryTables() {
        Map<String, List<String>> errors = errors(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"),
                "pk.mode", "none", "insert.mode", "insert", "history.tables", "orders"));
        assertThat(errors).containsOnlyKeys("history.tables");
        assertThat(errors.get("history.tables")).singleElement().asString().contains("pk.mode=none");
        assertThat(errors(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"), "history.tables", "orders")))
                .isEmpty();
    }

    @Test
    void recordValueKeyWithoutPkFieldsIsAnErrorOnPkFields() {
        assertThat(errors(Map.of("connection.url", "jdbc:duckdb:" + dir.resolve("w.duckdb"), "pk.mode", "record_value")))
                .containsOnlyKeys("pk.fields");
    }

    @Test
    void pkFieldsNamingAColumnTheExistingTableLacksIsAnErrorOnPkFields() throws Exception {
        String url = "jdbc:duckdb:" + dir.resolve("pk.duckdb");
        try (WarehouseConnection c = SharedDuckDb.acquire(url); Statement s = c.jdbc().createStatement()) {
            s.execute("CREATE TABLE \"orders\" (\"region\" VARCHAR, \"Order Id\" INTEGER)");
        }
        Map<String, String> props = new HashMap<>(Map.of("connection.url", url, "topics", "replica.public.orders,replica.public.new",
                "pk.fields", "region,order_id"));
        Map<String, List<String>> errors = errors(props);
        assertThat(errors).containsOnlyKeys("pk.fields");
        assertThat(errors.get("pk.fields")).singleElement().asString()
                .contains("'order_id'").contains("'orders'").contains("Order Id");

        props.put("pk.fields", "region, Order Id");
        assertThat(errors(props)).isEmpty();
    }

    @Test
    void aWorkerDiscoversTheConnectorThroughTheServiceFile() {
        assertThat(ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::type))
                .contains(WarehouseSinkConnector.class);
        assertThat(new WarehouseSinkConnector().version()).isNotBlank().isNotEqualTo("unknown");
    }
}
