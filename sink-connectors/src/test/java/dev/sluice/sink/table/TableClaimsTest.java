package dev.sluice.sink.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Dialects;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims in a real DuckDB file. */
class TableClaimsTest {
    @TempDir
    Path dir;

    private WarehouseConnection connection;
    private TableClaims claims;

    @BeforeEach
    void open() throws Exception {
        String url = "jdbc:duckdb:" + dir.resolve("claims.duckdb");
        Dialect dialect = Dialects.forUrl(url);
        connection = dialect.connect(url, null, null);
        claims = new TableClaims(dialect.foldsNameCase(), dialect.maxNameBytes());
        claims.createTable(connection);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void theFirstTopicKeepsItsTableAndASecondIsRefusedNamingBothSourcesAndTheSetting() throws Exception {
        assertThat(claims.claim(connection, "replica.public.users", "users")).isNull();
        assertThat(claims.claim(connection, "replica.public.users", "users")).as("claimed again by its holder").isNull();
        assertThat(claims.claim(connection, "replica.audit.users", "users")).isEqualTo("Topic replica.audit.users"
                + " (source table audit.users) maps to warehouse table users, which already holds the rows of topic"
                + " replica.public.users (source table public.users), so its records go to the dead-letter topic instead"
                + " of mixing with them; set the sink's table.name.format (--table-name-format) to ${schema}_${table} so"
                + " each source table gets its own.");
    }

    @Test
    void claimsOutliveTheConnectionAndDuckDbCaseFoldingCounts() throws Exception {
        assertThat(claims.claim(connection, "replica.public.-a-20b", "a b")).isNull();
        assertThat(claims.claim(connection, "replica.public.Users", "Users")).isNull();
        assertThat(claims.claim(connection, "replica.public.users", "users")).contains("already holds the rows of topic"
                + " replica.public.Users (source table public.Users) (as Users)");
        assertThat(claims.claim(connection, "replica.x.-a-20b", "a b")).contains("source table public.a b");
    }

    @Test
    void aRenamedTableKeepsItsTopicAndADroppedOneIsFree() throws Exception {
        assertThat(claims.claim(connection, "replica.public.orders", "orders")).isNull();
        assertThat(claims.claim(connection, "v2.public.orders", "orders__v2")).isNull();
        // a promotion: orders -> orders__previous, orders__v2 -> orders
        TableClaims.rename(connection.jdbc(), true, "orders", "orders__previous");
        TableClaims.rename(connection.jdbc(), true, "Orders__V2", "orders");
        assertThat(claims.claim(connection, "v2.public.orders", "orders")).as("the rebuild's topic now holds orders").isNull();
        assertThat(claims.claim(connection, "replica.public.orders", "orders")).contains("already holds the rows of topic"
                + " v2.public.orders");
        assertThat(claims.claim(connection, "replica.public.orders", "orders__previous")).isNull();
        TableClaims.release(connection.jdbc(), true, "orders__previous");
        assertThat(claims.claim(connection, "other.public.orders", "orders__previous")).isNull();
    }

    @Test
    void reservedAndOverlongNamesAreRefused() {
        assertThat(claims.nameProblem("replica.public._sluice_offsets", "_sluice_offsets")).isEqualTo("Topic"
                + " replica.public._sluice_offsets (source table public._sluice_offsets) maps to warehouse table"
                + " _sluice_offsets, but names starting with _sluice_ are reserved for Sluice's own tables; set the sink's"
                + " table.name.format (--table-name-format), e.g. to ${schema}_${table}, or rename the source table.");
        assertThat(new TableClaims(false, 63).nameProblem("t", "x".repeat(64))).contains("longer than the 63 bytes");
        assertThat(new TableClaims(false, 63).nameProblem("t", "x".repeat(63))).isNull();
    }
}
