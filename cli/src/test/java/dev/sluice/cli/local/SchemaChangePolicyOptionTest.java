package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SchemaChangePolicyOptionTest {

    @Test
    void policiesAreReadInAnyCaseAndPassedToTheSink() {
        SchemaChangePolicyOption option = new SchemaChangePolicyOption();
        assertThat(option.convert("FAIL")).isEqualTo("fail");
        assertThat(option.convert(" ignore ")).isEqualTo("ignore");
        assertThat(SinkConnectorConfig.forWarehouse(WarehouseTarget.parse("jdbc:duckdb:/tmp/w.duckdb", null),
                "http://localhost:1", "fail")).containsEntry("schema.change.policy", "fail");
        assertThat(SinkConnectorConfig.forWarehouse(WarehouseTarget.parse("jdbc:duckdb:/tmp/w.duckdb", null),
                "http://localhost:1")).containsEntry("schema.change.policy", "evolve");
    }

    @Test
    void anUnknownPolicyIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> new SchemaChangePolicyOption().convert("drop"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'drop' is not a schema change policy; use one of evolve, fail, ignore.");
    }
}
