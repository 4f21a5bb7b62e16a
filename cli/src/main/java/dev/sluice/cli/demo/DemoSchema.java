package dev.sluice.cli.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The demo e-commerce schema of local mode: customers, products, orders and order items (the
 * last with a composite primary key and a discount in money off the line), created once and reused when local
 * mode runs again.
 */
public final class DemoSchema {

    public static final List<String> TABLES = List.of(
            "public.customers", "public.products", "public.orders", "public.order_items");

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS customers (
            id          bigint PRIMARY KEY,
            email       text NOT NULL,
            name        text NOT NULL,
            region      text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now())""",
        """
        CREATE TABLE IF NOT EXISTS products (
            id          bigint PRIMARY KEY,
            name        text NOT NULL,
            category    text NOT NULL,
            price       numeric(10,2) NOT NULL,
            active      boolean NOT NULL DEFAULT true)""",
        """
        CREATE TABLE IF NOT EXISTS orders (
            id          bigint PRIMARY KEY,
            customer_id bigint NOT NULL,
            status      text NOT NULL,
            total       numeric(12,2) NOT NULL,
            created_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS order_items (
            order_id    bigint NOT NULL,
            line_no     integer NOT NULL,
            product_id  bigint NOT NULL,
            quantity    integer NOT NULL,
            unit_price  numeric(10,2) NOT NULL,
            discount    numeric(10,2) NOT NULL DEFAULT 0,
            PRIMARY KEY (order_id, line_no))""",
        // a demo database created before order items had a discount gets the column (existing rows: 0)
        "ALTER TABLE order_items ADD COLUMN IF NOT EXISTS discount numeric(10,2) NOT NULL DEFAULT 0"
    };

    private DemoSchema() {
    }

    public static void create(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
        }
    }
}
