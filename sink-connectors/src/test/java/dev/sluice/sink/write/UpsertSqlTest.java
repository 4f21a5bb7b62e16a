package dev.sluice.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.config.InsertMode;
import dev.sluice.sink.config.PkMode;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.dialect.ColumnType;
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
                .contains("\"__sluice_unchanged\" IS NULL")
                .contains("ON CONFLICT (\"region\", \"id\") DO UPDATE SET \"note\" = EXCLUDED.\"note\"")
                .contains("\"__version\" = EXCLUDED.\"__version\"")
                .endsWith("\"__sluice_target\".\"__version\" < EXCLUDED.\"__version\"")
                .doesNotContain("\"region\" = EXCLUDED");
    }

    @Test
    void rowsWithUnchangedColumnsAreWrittenWithoutThem() {
        String upsert = sql.write("orders", "stage", shape, "2", InsertMode.UPSERT);
        assertThat(upsert).contains("\"__sluice_unchanged\" = '2'").doesNotContain("\"note\"")
                .contains("\"__version\" = EXCLUDED.\"__version\"");
    }

    @Test
    void anAddedColumnWithADefaultFillsStoredRowsAndThenDropsTheDefault() {
        assertThat(sql.addColumn("orders", "flag", ColumnType.of(ColumnType.Kind.INTEGER), 7)).containsExactly(
                "ALTER TABLE \"orders\" ADD COLUMN IF NOT EXISTS \"flag\" INTEGER DEFAULT 7",
                "ALTER TABLE \"orders\" ALTER COLUMN \"flag\" DROP DEFAULT");
        assertThat(sql.addColumn("orders", "region", ColumnType.of(ColumnType.Kind.TEXT), "it's"))
                .first().asString().endsWith("TEXT DEFAULT 'it''s'");
        assertThat(sql.addColumn("orders", "note", ColumnType.of(ColumnType.Kind.TEXT), null))
                .containsExactly("ALTER TABLE \"orders\" ADD COLUMN IF NOT EXISTS \"note\" TEXT");
    }

    @Test
    void typeChangesCastTheStoredValues() {
        assertThat(sql.alterType("orders", "qty", ColumnType.decimal(12, 4))).isEqualTo(
                "ALTER TABLE \"orders\" ALTER COLUMN \"qty\" TYPE NUMERIC(12, 4) USING CAST(\"qty\" AS NUMERIC(12, 4))");
        assertThat(sql.renameColumn("orders", "old", "new")).isEqualTo("ALTER TABLE \"orders\" RENAME COLUMN \"old\" TO \"new\"");
        assertThat(sql.rebuild("t", "t__aside", List.of("\"id\" BIGINT NOT NULL", "\"v\" VARCHAR"), List.of("id")))
                .containsExactly("ALTER TABLE \"t\" RENAME TO \"t__aside\"",
                        "CREATE TABLE \"t\" (\"id\" BIGINT NOT NULL, \"v\" VARCHAR, PRIMARY KEY (\"id\"))",
                        "INSERT INTO \"t\" SELECT * FROM \"t__aside\"", "DROP TABLE \"t__aside\"");
    }

    @Test
    void insertModeNeverUpdatesAStoredRow() {
        assertThat(sql.write("orders", "stage", shape, null, InsertMode.INSERT))
                .endsWith("ON CONFLICT (\"region\", \"id\") DO NOTHING").doesNotContain("UPDATE");
    }

    @Test
    void aKeylessTableHasNoPrimaryKeyAndIsAppendedTo() {
        TableShape keyless = TableShape.of(List.of(new RowRecordParser(new TableNameFormat("${table}"), PkMode.NONE, List.of())
                .parse(Rows.row(0, 0, "eu", 1, "a", 1, false))));
        assertThat(sql.createTable("log", keyless)).doesNotContain("PRIMARY KEY").doesNotContain("NOT NULL");
        assertThat(sql.append("log", "stage", keyless)).doesNotContain("ON CONFLICT").doesNotContain("WHERE");
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
