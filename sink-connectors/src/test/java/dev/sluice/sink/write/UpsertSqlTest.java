package dev.sluice.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.dialect.postgres.PostgresDialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpsertSqlTest {
    private final UpsertSql sql = new UpsertSql(new PostgresDialect());
    private final TableShape shape = TableShape.of(List.of(
            new RowRecordParser(new TableNameFormat("${table}")).parse(Rows.row(0, 0, "eu", 1, "a", 1, false))));

    @Test
    void createTableQuotesEverythingAndDeclaresTheKey() {
        assertThat(sql.createTable("Order Lines", shape)).isEqualTo("CREATE TABLE IF NOT EXISTS \"Order Lines\" ("
                + "\"region\" TEXT NOT NULL, \"id\" INTEGER NOT NULL, \"note\" TEXT, \"__source_ts\" BIGINT, "
                + "\"__version\" BIGINT, \"__deleted\" BOOLEAN, PRIMARY KEY (\"region\", \"id\"))");
    }

    @Test
    void upsertIsGuardedByVersionAndSkipsDeletes() {
        String upsert = sql.upsert("orders", "stage", shape);
        assertThat(upsert).contains("WHERE NOT \"__deleted\"")
                .contains("ON CONFLICT (\"region\", \"id\") DO UPDATE SET \"note\" = CASE WHEN EXCLUDED.\"note\" = "
                        + "'__debezium_unavailable_value' THEN \"__sluice_target\".\"note\" ELSE EXCLUDED.\"note\" END")
                .contains("\"__version\" = EXCLUDED.\"__version\"")
                .endsWith("\"__sluice_target\".\"__version\" < EXCLUDED.\"__version\"")
                .doesNotContain("\"region\" = EXCLUDED");
    }

    @Test
    void softDeleteWritesOnlyKeyAndMetadata() {
        String soft = sql.softDelete("orders", "stage", shape);
        assertThat(soft).contains("(\"region\", \"id\", \"__source_ts\", \"__version\", \"__deleted\") SELECT")
                .doesNotContain("\"note\"");
    }

    @Test
    void hardDeleteRemovesOnlyOlderRows() {
        assertThat(sql.hardDelete("orders", "stage", shape))
                .contains("s.\"region\" = \"__sluice_target\".\"region\" AND s.\"id\" = \"__sluice_target\".\"id\"")
                .contains("\"__sluice_target\".\"__version\" < s.\"__version\"");
    }
}
