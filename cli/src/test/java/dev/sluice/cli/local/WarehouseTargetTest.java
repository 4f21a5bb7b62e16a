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
        // moved out of the URL, which is logged and shown by Connect's REST API, into the password setting
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:1/analytics?user=me&sslmode=require");
        assertThat(target.display()).doesNotContain("s3cret");
        assertThat(target.password()).isEqualTo("s3cret");
        assertThat(WarehouseTarget.parse("jdbc:postgresql://h:1/db?password=a%26b", Path.of("unused")))
                .satisfies(t -> assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/db"))
                .satisfies(t -> assertThat(t.password()).isEqualTo("a&b"));
        assertThat(WarehouseTarget.parse("jdbc:postgresql://h:1/db?ssl=true&PASSWORD=x&user=u", Path.of("unused")).jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:1/db?ssl=true&user=u");
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
