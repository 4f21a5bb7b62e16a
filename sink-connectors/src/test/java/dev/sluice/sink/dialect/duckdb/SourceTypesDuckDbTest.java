package dev.sluice.sink.dialect.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.JdbcValues;
import dev.sluice.sink.dialect.SourceTypes;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL types a DuckDB warehouse holds in its nearest type, written the way the sink writes them (appender
 * into a staging table, then INSERT ... SELECT into the table): bit(n) as BIT with its leading zeros, varbit as text,
 * json as JSON with its text as it was (a \u0000 escape included), a range as its PostgreSQL text, an interval's
 * months apart from its days.
 */
class SourceTypesDuckDbTest {

    @TempDir
    Path dir;

    @Test
    void duckDbHoldsEachInItsNearestType() throws Exception {
        List<String> names = List.of("b", "vb", "j", "r", "i");
        List<Schema> schemas = List.of(tagged(SchemaBuilder.string(), "BIT", "5"), tagged(SchemaBuilder.string(), "VARBIT", "16"),
                tagged(SchemaBuilder.string().name(ColumnTypes.DBZ_JSON), "JSON", "2147483647"),
                tagged(SchemaBuilder.string(), "TSTZRANGE", "2147483647"),
                SchemaBuilder.string().name(ColumnTypes.DBZ_INTERVAL).optional().build());
        List<Object> values = List.of("00101", "0001011", "{\"a\": \"x\\u0000y\",  \"a\": 1}",
                "[\"2024-01-01 00:00:00+00\",\"2024-02-01 00:00:00+00\")", "P1Y2M3DT4H5M6.789S");
        DuckDbDialect dialect = new DuckDbDialect();
        List<ColumnType> types = new ArrayList<>();
        Object[] row = new Object[names.size()];
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            ColumnType type = ColumnTypes.of(names.get(i), schemas.get(i));
            types.add(type);
            row[i] = JdbcValues.toJdbc(names.get(i), schemas.get(i), type, values.get(i));
            ddl.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(dialect.sqlType(type));
        }
        assertThat(ddl).hasToString("b BIT, vb VARCHAR, j JSON, r VARCHAR, i INTERVAL");
        try (WarehouseConnection c = SharedDuckDb.acquire("jdbc:duckdb:" + dir.resolve("w.duckdb"));
             Statement s = c.jdbc().createStatement()) {
            s.execute("CREATE TABLE t (" + ddl + ")");
            s.execute("CREATE TEMP TABLE staging (" + ddl + ")");
            dialect.loadStaging(c, "staging", names, types, List.<Object[]>of(row));
            s.execute("INSERT INTO t SELECT * FROM staging");
            try (ResultSet rs = s.executeQuery("SELECT b::VARCHAR, vb::VARCHAR, j::VARCHAR, r, i::VARCHAR FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("00101");
                assertThat(rs.getString(2)).isEqualTo("0001011");
                assertThat(rs.getString(3)).isEqualTo(values.get(2));
                assertThat(rs.getString(4)).isEqualTo(values.get(3));
                assertThat(rs.getString(5)).isEqualTo("1 year 2 months 3 days 04:05:06.789");
            }
        }
    }

    private static Schema tagged(SchemaBuilder builder, String type, String length) {
        return builder.parameter(SourceTypes.TYPE, type).parameter(SourceTypes.LENGTH, length).optional().build();
    }
}
