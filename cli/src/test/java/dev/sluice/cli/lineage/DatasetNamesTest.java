package dev.sluice.cli.lineage;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Dataset names follow OpenLineage's naming spec, and DuckDB Sluice's documented scheme. */
class DatasetNamesTest {

    @Test
    void sourceTableIsDatabaseSchemaTableOnPostgresHostAndPort() {
        Dataset d = DatasetNames.sourceTable(new SourceUrl("db.example", 5433, "shop", "me", "secret"), "public.orders");
        assertThat(d.namespace()).isEqualTo("postgres://db.example:5433");
        assertThat(d.name()).isEqualTo("shop.public.orders");
    }

    @Test
    void topicIsNamedOnTheFirstBootstrapServer() {
        Dataset d = DatasetNames.topic("broker-1:9093,broker-2:9093", "sluice.public.orders");
        assertThat(d.namespace()).isEqualTo("kafka://broker-1:9093");
        assertThat(d.name()).isEqualTo("sluice.public.orders");
        assertThat(DatasetNames.kafkaNamespace("localhost")).isEqualTo("kafka://localhost:9092");
    }

    @Test
    void duckDbTableIsMainTableInTheAbsoluteFile() {
        WarehouseTarget duck = WarehouseTarget.parse("jdbc:duckdb:.sluice/warehouse.duckdb", null);
        Dataset d = DatasetNames.warehouseTableOf(duck, "replica.public.orders");
        assertThat(d.namespace()).isEqualTo("duckdb://" + Path.of(".sluice/warehouse.duckdb").toAbsolutePath().normalize());
        assertThat(d.namespace()).startsWith("duckdb:///");
        assertThat(d.name()).isEqualTo("main.orders");
    }

    @Test
    void postgresWarehouseTableIsDatabasePublicTable() {
        WarehouseTarget pg = new WarehouseTarget("jdbc:postgresql://wh.example:6543/analytics?sslmode=require", "u", "p");
        Dataset d = DatasetNames.warehouseTableOf(pg, "masked.public.customers_masked");
        assertThat(d.namespace()).isEqualTo("postgres://wh.example:6543");
        assertThat(d.name()).isEqualTo("analytics.public.customers_masked");
        assertThat(DatasetNames.warehouseTable(new WarehouseTarget("jdbc:postgresql://wh/analytics", "u", "p"), "t").namespace())
                .isEqualTo("postgres://wh:5432");
    }
}
