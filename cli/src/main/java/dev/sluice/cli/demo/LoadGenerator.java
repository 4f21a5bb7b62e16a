package dev.sluice.cli.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a steady mix of inserts, updates and deletes into the demo schema, in small source
 * transactions as a shop would: a new order with its items (some discounted), a status change, a price change, a
 * customer moving region, a cancelled order deleted with its items. {@link #changes()} counts
 * rows actually changed, so a reconcile can be judged against it.
 */
public final class LoadGenerator implements Runnable, AutoCloseable {

    private static final String[] REGIONS = {"north", "south", "east", "west", "central"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "kitchen", "music", "sports", "toys"};
    private static final String[] STATUSES = {"paid", "packed", "shipped", "delivered"};

    private final Connection connection;
    private final int changesPerSecond;
    private final SplittableRandom random;
    /** Draws the discounts apart from {@link #random}, so a seed gives the same orders, updates and deletes as before. */
    private final SplittableRandom discounts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong changes = new AtomicLong();
    private final Thread thread;
    private long nextCustomerId;
    private long nextProductId;
    private long nextOrderId;

    public LoadGenerator(Connection connection, int changesPerSecond, long seed) throws SQLException {
        this.connection = connection;
        this.changesPerSecond = changesPerSecond;
        this.random = new SplittableRandom(seed);
        this.discounts = new SplittableRandom(~seed);
        connection.setAutoCommit(false);
        seedIfEmpty();
        nextCustomerId = max("customers", "id") + 1;
        nextProductId = max("products", "id") + 1;
        nextOrderId = max("orders", "id") + 1;
        this.thread = new Thread(this, "sluice-load-generator");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public long changes() {
        return changes.get();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        try {
            while (running.get()) {
                double elapsedSeconds = (System.nanoTime() - started) / 1e9;
                if (changes.get() >= elapsedSeconds * changesPerSecond) {
                    Thread.sleep(2);
                    continue;
                }
                changes.addAndGet(oneTransaction());
                connection.commit();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            if (running.get()) {
                throw new IllegalStateException("the load generator stopped: " + e.getMessage(), e);
            }
        }
    }

    /** Stops writing; returns once the last transaction has committed. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int oneTransaction() throws SQLException {
        int dice = random.nextInt(100);
        if (dice < 45) {
            return newOrder();
        } else if (dice < 75) {
            return update("UPDATE orders SET status = ?, updated_at = now() WHERE id = ?",
                    STATUSES[random.nextInt(STATUSES.length)], randomId(nextOrderId));
        } else if (dice < 82) {
            return update("UPDATE customers SET region = ?, email = ? WHERE id = ?",
                    REGIONS[random.nextInt(REGIONS.length)], "c" + random.nextInt(1_000_000) + "@example.com",
                    randomId(nextCustomerId));
        } else if (dice < 87) {
            return update("UPDATE products SET price = ? WHERE id = ?", price(), randomId(nextProductId));
        } else if (dice < 90) {
            return update("UPDATE order_items SET quantity = quantity + 1 WHERE order_id = ? AND line_no = 1",
                    randomId(nextOrderId));
        } else if (dice < 97) {
            long order = randomId(nextOrderId);
            return update("DELETE FROM order_items WHERE order_id = ?", order)
                    + update("DELETE FROM orders WHERE id = ?", order);
        } else {
            return insertCustomer(nextCustomerId++);
        }
    }

    private int newOrder() throws SQLException {
        long orderId = nextOrderId++;
        int lines = 1 + random.nextInt(3);
        BigDecimal total = BigDecimal.ZERO;
        try (PreparedStatement item = connection.prepareStatement(
                "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, discount) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int line = 1; line <= lines; line++) {
                BigDecimal price = price();
                int quantity = 1 + random.nextInt(4);
                BigDecimal gross = price.multiply(BigDecimal.valueOf(quantity));
                BigDecimal discount = discount(gross);
                total = total.add(gross).subtract(discount);
                item.setLong(1, orderId);
                item.setInt(2, line);
                item.setLong(3, randomId(nextProductId));
                item.setInt(4, quantity);
                item.setBigDecimal(5, price);
                item.setBigDecimal(6, discount);
                item.addBatch();
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            int inserted = update("INSERT INTO orders (id, customer_id, status, total, created_at, updated_at) VALUES (?, ?, 'new', ?, ?, ?)",
                    orderId, randomId(nextCustomerId), total, now, now);
            return inserted + item.executeBatch().length;
        }
    }

    private int insertCustomer(long id) throws SQLException {
        return update("INSERT INTO customers (id, email, name, region) VALUES (?, ?, ?, ?)",
                id, "customer" + id + "@example.com", "Customer " + id, REGIONS[random.nextInt(REGIONS.length)]);
    }

    private void seedIfEmpty() throws SQLException {
        if (max("customers", "id") > 0) {
            return;
        }
        for (long id = 1; id <= 500; id++) {
            insertCustomer(id);
        }
        for (long id = 1; id <= 100; id++) {
            update("INSERT INTO products (id, name, category, price) VALUES (?, ?, ?, ?)",
                    id, "Product " + id, CATEGORIES[random.nextInt(CATEGORIES.length)], price());
        }
        connection.commit();
    }

    /** One line in four gets 5 to 30 percent off, to the cent. */
    private BigDecimal discount(BigDecimal gross) {
        if (discounts.nextInt(4) != 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return gross.multiply(BigDecimal.valueOf(5 + discounts.nextInt(26), 2)).setScale(2, RoundingMode.DOWN);
    }

    private BigDecimal price() {
        return BigDecimal.valueOf(100 + random.nextInt(99_900)).divide(BigDecimal.valueOf(100), 2, RoundingMode.UNNECESSARY);
    }

    private long randomId(long next) {
        return 1 + random.nextLong(Math.max(1, next - 1));
    }

    private long max(String table, String column) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(" + column + "), 0) FROM " + table)) {
            rs.next();
            long max = rs.getLong(1);
            connection.commit();
            return max;
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
