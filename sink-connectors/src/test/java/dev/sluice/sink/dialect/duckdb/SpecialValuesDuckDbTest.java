package dev.sluice.sink.dialect.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.JdbcValues;
import dev.sluice.sink.dialect.SpecialValue;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.write.WarehouseFailure;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium's forms of PostgreSQL's infinities and numeric NaN/±Infinity become {@link SpecialValue}s, and a real
 * DuckDB file holds them: its own infinities for TIMESTAMP, TIMESTAMPTZ and DATE, the text where numeric is VARCHAR;
 * a DECIMAL column refuses NaN as a data error (so the sink dead-letters that row alone).
 */
class SpecialValuesDuckDbTest {

    private static final Schema TS = SchemaBuilder.int64().name(ColumnTypes.DBZ_MICRO_TIMESTAMP).optional().build();
    private static final Schema TSTZ = SchemaBuilder.string().name(ColumnTypes.DBZ_ZONED_TIMESTAMP).optional().build();
    private static final Schema DATE = SchemaBuilder.int32().name(ColumnTypes.DBZ_DATE).optional().build();
    private static final Schema NUM = SchemaBuilder.struct().name(ColumnTypes.DBZ_VARIABLE_SCALE_DECIMAL)
            .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();

    @TempDir
    Path dir;

    @Test
    void debeziumsFormsOfTheSpecialValuesAreRecognised() {
        assertThat(convert(TS, Long.MAX_VALUE)).isEqualTo(SpecialValue.INFINITY);
        assertThat(convert(TS, Long.MIN_VALUE)).isEqualTo(SpecialValue.NEGATIVE_INFINITY);
        assertThat(convert(TSTZ, "infinity")).isEqualTo(SpecialValue.INFINITY);
        assertThat(convert(TSTZ, "-infinity")).isEqualTo(SpecialValue.NEGATIVE_INFINITY);
        assertThat(convert(DATE, 2146033979)).isEqualTo(SpecialValue.INFINITY);
        assertThat(convert(DATE, -2147472691)).isEqualTo(SpecialValue.NEGATIVE_INFINITY);
        assertThat(convert(DATE, -622191234)).as("initial load").isEqualTo(SpecialValue.INFINITY);
        assertThat(convert(DATE, -625821272)).as("initial load").isEqualTo(SpecialValue.NEGATIVE_INFINITY);
        assertThat(convert(NUM, special(0))).isEqualTo(SpecialValue.NUMERIC_NAN);
        assertThat(convert(NUM, special(1))).isEqualTo(SpecialValue.NUMERIC_INFINITY);
        assertThat(convert(NUM, special(-1))).isEqualTo(SpecialValue.NUMERIC_NEGATIVE_INFINITY);
        // finite values stay what they were
        assertThat(convert(TS, 0L)).isEqualTo(java.time.LocalDateTime.of(1970, 1, 1, 0, 0));
        assertThat(convert(DATE, 0)).isEqualTo(java.time.LocalDate.of(1970, 1, 1));
        assertThat(convert(NUM, new Struct(NUM).put("scale", 2).put("value", new byte[] {4, -46})))
                .isEqualTo(new java.math.BigDecimal("12.34"));
    }

    @Test
    void duckDbHoldsTheInfinitiesOfItsTimeTypesAndTheNumericTextExactly() throws Exception {
        List<ColumnType> types = List.of(ColumnTypes.of("ts", TS), ColumnTypes.of("tstz", TSTZ), ColumnTypes.of("d", DATE),
                ColumnTypes.of("n", NUM));
        List<Object[]> rows = List.of(
                new Object[] {convert(TS, Long.MAX_VALUE), convert(TSTZ, "-infinity"), convert(DATE, 2146033979), convert(NUM, special(0))},
                new Object[] {convert(TS, Long.MIN_VALUE), convert(TSTZ, "infinity"), convert(DATE, -2147472691), convert(NUM, special(-1))});
        try (WarehouseConnection c = SharedDuckDb.acquire("jdbc:duckdb:" + dir.resolve("w.duckdb"))) {
            load(c, types, rows);
            assertThat(read(c, "SELECT ts::VARCHAR, tstz::VARCHAR, d::VARCHAR, n FROM staging ORDER BY ts DESC"))
                    .containsExactly("infinity|-infinity|infinity|NaN", "-infinity|infinity|-infinity|-Infinity");
        }
    }

    @Test
    void aDecimalColumnRefusesNaNAsADataErrorSoOnlyThatRowIsDeadLettered() throws Exception {
        Schema fixed = Decimal.builder(2).parameter(ColumnTypes.DECIMAL_PRECISION, "10").optional().build();
        ColumnType type = ColumnTypes.of("price", fixed);
        try (WarehouseConnection c = SharedDuckDb.acquire("jdbc:duckdb:" + dir.resolve("d.duckdb"))) {
            assertThatThrownBy(() -> load(c, List.of(type), List.<Object[]>of(new Object[] {SpecialValue.NUMERIC_NAN})))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cannot hold NaN")
                    .satisfies(e -> assertThat(WarehouseFailure.STANDARD.isRefusal((SQLException) e)).isTrue());
        }
    }

    private static Object convert(Schema schema, Object value) {
        return JdbcValues.toJdbc("c", schema, ColumnTypes.of("c", schema), value);
    }

    private static Struct special(int scale) {
        return new Struct(NUM).put("scale", scale).put("value", new byte[0]);
    }

    private static void load(WarehouseConnection c, List<ColumnType> types, List<Object[]> rows) throws SQLException {
        DuckDbDialect dialect = new DuckDbDialect();
        List<String> columns = new ArrayList<>();
        StringBuilder ddl = new StringBuilder("CREATE TEMP TABLE staging (");
        for (int i = 0; i < types.size(); i++) {
            String name = types.size() == 1 ? "price" : List.of("ts", "tstz", "d", "n").get(i);
            columns.add(name);
            ddl.append(i == 0 ? "" : ", ").append(name).append(' ').append(dialect.sqlType(types.get(i)));
        }
        try (Statement s = c.jdbc().createStatement()) {
            s.execute(ddl.append(')').toString());
        }
        dialect.loadStaging(c, "staging", columns, types, rows);
    }

    private static List<String> read(WarehouseConnection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.jdbc().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return out;
    }
}
