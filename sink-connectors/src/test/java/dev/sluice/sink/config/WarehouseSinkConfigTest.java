package dev.sluice.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class WarehouseSinkConfigTest {
    @Test
    void defaultsFollowTheContract() {
        WarehouseSinkConfig config = new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:/tmp/w.duckdb"));
        assertThat(config.tableNameFormat().toString()).isEqualTo("${table}");
        assertThat(config.deleteMode()).isEqualTo(DeleteMode.SOFT);
        assertThat(config.autoCreate()).isTrue();
        assertThat(config.autoEvolve()).isTrue();
        assertThat(config.batchSize()).isEqualTo(10_000);
        assertThat(config.password()).isNull();
        assertThat(config.pkMode()).isEqualTo(PkMode.RECORD_KEY);
        assertThat(config.pkFields()).isEmpty();
        assertThat(config.insertMode()).isEqualTo(InsertMode.UPSERT);
        assertThat(config.maxRetries()).isEqualTo(10);
        assertThat(config.retryBackoffMs()).isEqualTo(1000);
        assertThat(java.util.stream.IntStream.range(0, 10).mapToLong(config::backoffBeforeRetry).sum())
                .as("the default budget outlives a 30 s outage").isEqualTo(181_000);
    }

    @Test
    void schemaChangePolicyDefaultsToEvolveAndAutoEvolveOffMeansFail() {
        Map<String, String> base = Map.of("connection.url", "jdbc:duckdb:/tmp/w.duckdb");
        assertThat(new WarehouseSinkConfig(base).schemaChangePolicy()).isEqualTo(SchemaChangePolicy.EVOLVE);
        assertThat(new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:/tmp/w.duckdb",
                "schema.change.policy", "IGNORE")).schemaChangePolicy()).isEqualTo(SchemaChangePolicy.IGNORE);
        assertThat(new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:/tmp/w.duckdb",
                "schema.change.policy", "ignore", "auto.evolve", "false")).schemaChangePolicy()).isEqualTo(SchemaChangePolicy.FAIL);
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:/tmp/w.duckdb",
                "schema.change.policy", "drop")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.change.policy");
    }

    @Test
    void historyTablesAreTrimmedAndNeedAKey() {
        assertThat(new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "history.tables", " orders, customers ,"))
                .historyTables()).containsExactly("orders", "customers");
        assertThat(new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:")).historyTables()).isEmpty();
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "history.tables", "orders",
                "pk.mode", "none", "insert.mode", "insert")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.tables").hasMessageContaining("pk.mode=none");
    }

    @Test
    void deleteModeIsCaseInsensitive() {
        assertThat(new WarehouseSinkConfig(Map.of("connection.url", "jdbc:postgresql://h/db", "delete.mode", "HARD"))
                .deleteMode()).isEqualTo(DeleteMode.HARD);
    }

    @Test
    void unknownDialectNamesTheSetting() {
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:mysql://h/db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connection.url").hasMessageContaining("unknown dialect");
    }

    @Test
    void badDeleteModeAndBatchSizeAreRejected() {
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "delete.mode", "purge")))
                .hasMessageContaining("delete.mode");
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "batch.size", "0")))
                .hasMessageContaining("batch.size");
    }

    @Test
    void aKeylessUpsertIsRejectedNamingInsertMode() {
        assertThatThrownBy(() -> new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "pk.mode", "none")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("insert.mode");
    }

    @Test
    void aKeylessAppendIsAccepted() {
        WarehouseSinkConfig config = new WarehouseSinkConfig(Map.of("connection.url", "jdbc:duckdb:", "pk.mode", "NONE",
                "insert.mode", "insert", "pk.fields", ""));
        assertThat(config.pkMode()).isEqualTo(PkMode.NONE);
        assertThat(config.pkFields()).isEmpty();
    }

    @Test
    void duplicatePkFieldsAreRejected() {
        assertThat(KeyRules.problems(PkMode.RECORD_KEY, java.util.List.of("id", "id"), InsertMode.UPSERT, DeleteMode.SOFT))
                .containsOnlyKeys("pk.fields");
    }
}
