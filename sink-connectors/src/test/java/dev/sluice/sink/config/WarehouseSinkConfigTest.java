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
}
