package dev.sluice.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.ColumnType.Kind;
import dev.sluice.sink.dialect.duckdb.DuckDbDialect;
import dev.sluice.sink.dialect.postgres.PostgresDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLiteralTest {
    private final Dialect pg = new PostgresDialect();
    private final Dialect duck = new DuckDbDialect();

    @Test
    void spellsPlainValuesPlainlyAndQuotesText() {
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.INTEGER), 7)).isEqualTo("7");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.BOOLEAN), true)).isEqualTo("TRUE");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.TEXT), "it's")).isEqualTo("'it''s'");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.TEXT), null)).isEqualTo("NULL");
        assertThat(SqlLiteral.of(pg, ColumnType.decimal(10, 2), new BigDecimal("1.50"))).isEqualTo("CAST('1.50' AS NUMERIC(10, 2))");
        assertThat(SqlLiteral.of(duck, ColumnType.of(Kind.VARIABLE_DECIMAL), new BigDecimal("1E+3"))).isEqualTo("CAST('1000' AS VARCHAR)");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.DOUBLE), Double.NaN)).isEqualTo("CAST('NaN' AS DOUBLE PRECISION)");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.DATE), LocalDate.of(2024, 2, 29))).isEqualTo("CAST('2024-02-29' AS DATE)");
        assertThat(SqlLiteral.of(pg, ColumnType.of(Kind.BYTES), new byte[] {1})).isNull();
        assertThat(SqlLiteral.of(pg, ColumnType.array(ColumnType.of(Kind.TEXT)), List.of("a"))).isNull();
    }

    @Test
    void duckDbReadsEveryLiteralBackAsTheValue() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            assertThat(select(s, SqlLiteral.of(duck, ColumnType.of(Kind.TIMESTAMPTZ), OffsetDateTime.parse("2024-01-02T03:04:05.123456+02:00"))))
                    .isEqualTo(select(s, "TIMESTAMPTZ '2024-01-02 01:04:05.123456+00'"));
            assertThat(select(s, SqlLiteral.of(duck, ColumnType.of(Kind.INTERVAL), "14 months 3 days 4:05:06.780000")))
                    .isEqualTo(select(s, "INTERVAL '1 year 2 months 3 days 04:05:06.78'"));
            assertThat(select(s, SqlLiteral.of(duck, ColumnType.of(Kind.TEXT), "it's"))).isEqualTo("it's");
        }
    }

    private static String select(Statement s, String literal) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT CAST(" + literal + " AS VARCHAR)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
