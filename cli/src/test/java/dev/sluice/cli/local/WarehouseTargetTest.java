package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WarehouseTargetTest {

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        WarehouseTarget target = WarehouseTarget.parse(
                "jdbc:postgresql://localhost:1/analytics?user=me&password=s3cret&sslmode=require", Path.of("unused"));
        assertThat(target.display()).isEqualTo(
                "jdbc:postgresql://localhost:1/analytics?user=me&password=***&sslmode=require");
        assertThatThrownBy(target::check).hasMessageContaining("cannot be opened").hasMessageNotContaining("s3cret");
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
