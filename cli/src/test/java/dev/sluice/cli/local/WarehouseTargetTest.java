package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WarehouseTargetTest {

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        for (String url : java.util.List.of("jdbc:postgresql://localhost:1/analytics?user=me&password=s3cret&sslmode=require",
                "jdbc:postgresql://h:1/db?PASSWORD=s3cret", "postgresql://me:s3cret@h/db", "jdbc:postgresql://me:s3cret@h:1/db")) {
            assertThatThrownBy(() -> WarehouseTarget.parse(url, Path.of("unused"))).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--warehouse holds a password (")
                    .hasMessageEndingWith("give it as the PGPASSWORD environment variable.")
                    .hasMessageNotContaining("s3cret");
        }
        WarehouseTarget target = WarehouseTarget.parse("jdbc:postgresql://localhost:1/analytics?user=me&sslmode=require",
                Path.of("unused"));
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:1/analytics?user=me&sslmode=require");
        assertThat(WarehouseTarget.parse("jdbc:duckdb:/tmp/me:x@y/w.duckdb", null).isDuckDb()).isTrue();
    }

    @Test
    void theSinkConnectorGetsAReferenceNeverThePassword() {
        WarehouseTarget target = new WarehouseTarget("jdbc:postgresql://h:1/db", "me", "s3cret-Plain");
        java.util.Map<String, String> config = SinkConnectorConfig.forWarehouse(target, "http://r:8081");
        assertThat(config.toString()).doesNotContain("s3cret-Plain");
        assertThat(config.get("connection.password")).matches("\\$\\{sluice:password-\\d+}")
                .isEqualTo(SinkConnectorConfig.forWarehouse(target, "http://r:8081").get("connection.password"));
        assertThat(new dev.sluice.cli.secret.ProcessSecrets().get("", java.util.Set.of(config.get("connection.password")
                .replaceAll("^\\$\\{sluice:|}$", ""))).data()).containsValue("s3cret-Plain");
    }

    @Test
    void tablesSharingAWarehouseTableAndReservedNamesAreNamedWithTheFix() {
        WarehouseTarget target = new WarehouseTarget("jdbc:duckdb:/tmp/x.duckdb", null, null);
        java.util.List<dev.sluice.ingest.source.TableId> tables = java.util.List.of(
                new dev.sluice.ingest.source.TableId("public", "users"), new dev.sluice.ingest.source.TableId("audit", "users"),
                new dev.sluice.ingest.source.TableId("public", "_sluice_offsets"), new dev.sluice.ingest.source.TableId("public", "a b"));
        assertThat(target.namingProblems(tables)).containsExactly("Source tables public.users and audit.users all map to"
                + " warehouse table users under table.name.format ${table}, so only the first to arrive is written and the"
                + " others go to the dead-letter topic; set --table-name-format ${schema}_${table}.", "Source table"
                + " public._sluice_offsets maps to warehouse table _sluice_offsets, a name reserved for Sluice's own tables,"
                + " so its rows go to the dead-letter topic; set --table-name-format (e.g. ${schema}_${table}) or rename the"
                + " table.");
        assertThat(target.withTableNameFormat("${schema}_${table}").namingProblems(tables)).isEmpty();
        assertThat(target.namingProblems(java.util.List.of(new dev.sluice.ingest.source.TableId("public", "Users"),
                new dev.sluice.ingest.source.TableId("public", "users")))).as("DuckDB folds case").hasSize(1);
        assertThat(target.tableFor(new dev.sluice.ingest.source.TableId("public", "a b"))).isEqualTo("a b");
    }
}
