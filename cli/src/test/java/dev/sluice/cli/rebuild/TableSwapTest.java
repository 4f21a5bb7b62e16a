package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.cli.local.WarehouseTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swap SQL of promote and rollback on a real DuckDB file (the version in the pom). */
class TableSwapTest {

    @TempDir
    Path dir;

    private WarehouseTarget warehouse;

    @BeforeEach
    void tables() throws SQLException {
        warehouse = WarehouseTarget.parse("jdbc:duckdb:" + dir.resolve("w.duckdb"), null);
        sql("CREATE TABLE \"_sluice_progress\" (\"table_name\" VARCHAR PRIMARY KEY, \"source_ts\" BIGINT, \"version\" BIGINT,"
                        + " \"committed_at\" TIMESTAMPTZ, \"complete_version\" BIGINT, \"complete_ts\" BIGINT)",
                "CREATE TABLE \"_sluice_frontier\" (\"table_name\" VARCHAR, \"topic\" VARCHAR, \"partition\" INTEGER,"
                        + " \"origin\" INTEGER, \"origins\" INTEGER, \"version\" BIGINT, \"source_ts\" BIGINT,"
                        + " PRIMARY KEY (\"table_name\", \"topic\", \"partition\", \"origin\"))",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount INTEGER)",
                "INSERT INTO orders VALUES (1, 10), (2, 20)",
                "CREATE TABLE orders__v2 (id BIGINT PRIMARY KEY, amount INTEGER)",
                "INSERT INTO orders__v2 VALUES (1, 11), (2, 21), (3, 31)",
                "CREATE TABLE \"_sluice_tables\" (\"table_key\" VARCHAR PRIMARY KEY, \"table_name\" VARCHAR NOT NULL,"
                        + " \"topic\" VARCHAR NOT NULL, \"claimed_at\" TIMESTAMPTZ)",
                "INSERT INTO \"_sluice_tables\" VALUES ('orders', 'orders', 'replica.public.orders', NULL),"
                        + " ('orders__v2', 'orders__v2', 'replica__v2.public.orders', NULL)",
                "INSERT INTO \"_sluice_progress\" VALUES ('orders', 1, 100, NULL, 100, 1), ('orders__v2', 2, 200, NULL, 200, 2)",
                "INSERT INTO \"_sluice_frontier\" VALUES ('orders', 'replica.public.orders', 0, 0, 1, 100, 1),"
                        + " ('orders__v2', 'replica__v2.public.orders', 0, 0, 1, 200, 2)");
    }

    @Test
    void promoteSwapsTablesAndTheirProgressAndRollbackSwapsBack() throws SQLException {
        swap();
        assertThat(query("SELECT sum(amount) FROM orders")).isEqualTo("63");
        assertThat(query("SELECT sum(amount) FROM orders__previous")).isEqualTo("30");
        assertThat(query("SELECT version FROM \"_sluice_progress\" WHERE table_name = 'orders'")).isEqualTo("200");
        assertThat(query("SELECT version FROM \"_sluice_progress\" WHERE table_name = 'orders__previous'")).isEqualTo("100");
        assertThat(query("SELECT topic FROM \"_sluice_frontier\" WHERE table_name = 'orders'")).isEqualTo("replica__v2.public.orders");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders__v2'")).isEqualTo("0");
        // the claim moves with the table: the rebuild's topic owns orders now, the live topic orders__previous
        assertThat(query("SELECT topic FROM \"_sluice_tables\" WHERE table_key = 'orders'")).isEqualTo("replica__v2.public.orders");
        assertThat(query("SELECT topic FROM \"_sluice_tables\" WHERE table_key = 'orders__previous'")).isEqualTo("replica.public.orders");
        // the renamed table keeps its primary key: the sink's upserts (ON CONFLICT) go on working
        sql("INSERT INTO orders VALUES (3, 32) ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount");
        assertThat(query("SELECT amount FROM orders WHERE id = 3")).isEqualTo("32");

        swapBack();
        assertThat(query("SELECT sum(amount) FROM orders")).isEqualTo("30");
        assertThat(query("SELECT sum(amount) FROM orders__v2")).isEqualTo("64");
        assertThat(query("SELECT version FROM \"_sluice_progress\" WHERE table_name = 'orders__v2'")).isEqualTo("200");
        assertThat(query("SELECT topic FROM \"_sluice_tables\" WHERE table_key = 'orders'")).isEqualTo("replica.public.orders");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders__previous'")).isEqualTo("0");
    }

    @Test
    void aSecondPromotionReplacesTheOlderPreviousTable() throws SQLException {
        swap();
        sql("CREATE TABLE orders__v3 (id BIGINT PRIMARY KEY, amount INTEGER)", "INSERT INTO orders__v3 VALUES (9, 99)",
                "INSERT INTO \"_sluice_progress\" VALUES ('orders__v3', 3, 300, NULL, 300, 3)");
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            s.inTransaction(c -> TableSwap.promote(c, List.of("orders"), "__v3"));
        }
        assertThat(query("SELECT sum(amount) FROM orders")).isEqualTo("99");
        assertThat(query("SELECT sum(amount) FROM orders__previous")).isEqualTo("63");
        assertThat(query("SELECT version FROM \"_sluice_progress\" WHERE table_name = 'orders__previous'")).isEqualTo("200");
        assertThat(query("SELECT count(*) FROM \"_sluice_progress\"")).isEqualTo("2");
    }

    @Test
    void aSwapThatFailsHalfwayChangesNothing() throws SQLException {
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            // customers has no shadow table: its rename fails after orders was swapped, and the transaction undoes it
            assertThatThrownBy(() -> s.inTransaction(c -> {
                sqlOn(c, "CREATE TABLE customers (id BIGINT PRIMARY KEY)");
                TableSwap.promote(c, List.of("orders", "customers"), "__v2");
            })).isInstanceOf(SQLException.class);
        }
        assertThat(query("SELECT sum(amount) FROM orders")).isEqualTo("30");
        assertThat(query("SELECT sum(amount) FROM orders__v2")).isEqualTo("63");
        assertThat(query("SELECT version FROM \"_sluice_progress\" WHERE table_name = 'orders'")).isEqualTo("100");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orders__previous', 'customers')"))
                .isEqualTo("0");
    }

    @Test
    void aReaderNeverMissesTheTableAcrossSwaps() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicLong reads = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (WarehouseSession s = WarehouseSession.open(warehouse); Statement st = s.jdbc().createStatement()) {
                while (running.get()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                        rs.next();
                        long n = rs.getLong(1);
                        if (n != 2 && n != 3) {
                            errors.add(new AssertionError("orders had " + n + " rows"));
                        }
                        reads.incrementAndGet();
                    } catch (SQLException e) {
                        errors.add(e);
                    }
                }
            } catch (SQLException e) {
                errors.add(e);
            }
        });
        reader.start();
        for (int i = 0; i < 25; i++) {
            swap();
            swapBack();
        }
        running.set(false);
        reader.join();
        assertThat(errors).isEmpty();
        assertThat(reads.get()).as("reads during the swaps").isGreaterThan(25);
    }

    private void swap() throws SQLException {
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            s.inTransaction(c -> TableSwap.promote(c, List.of("orders"), "__v2"));
        }
    }

    private void swapBack() throws SQLException {
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            s.inTransaction(c -> TableSwap.rollback(c, List.of("orders"), "__v2"));
        }
    }

    private void sql(String... statements) throws SQLException {
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            sqlOn(s.jdbc(), statements);
        }
    }

    private static void sqlOn(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private String query(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (WarehouseSession s = WarehouseSession.open(warehouse); Statement st = s.jdbc().createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return String.join(",", values);
    }
}
