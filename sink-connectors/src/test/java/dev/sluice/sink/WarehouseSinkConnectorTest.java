package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

    @Test
    void aWorkerDiscoversTheConnectorThroughTheServiceFile() {
        assertThat(ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::type))
                .contains(WarehouseSinkConnector.class);
        assertThat(new WarehouseSinkConnector().version()).isNotBlank().isNotEqualTo("unknown");
    }
}
