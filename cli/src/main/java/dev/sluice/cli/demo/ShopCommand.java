package dev.sluice.cli.demo;

import dev.sluice.cli.source.SourceUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice shop}: the demo shop of {@code sluice local} in a database of your own: creates its four tables when
 * missing, seeds them when empty and writes a steady load of orders, status and price changes and deletes until
 * stopped. The compose stack runs it beside the source database.
 */
@Command(name = "shop", mixinStandardHelpOptions = true,
        description = "Create the demo shop's tables in a PostgreSQL database and write a steady load into them until stopped.")
public final class ShopCommand implements Callable<Integer> {

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The database to write to (no password in the URL: it comes from PGPASSWORD).")
    String sourceUrl;

    @Option(names = "--rate", defaultValue = "50", description = "Changes per second (default: ${DEFAULT-VALUE}; 0 only creates and seeds).")
    int rate;

    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "Written once the tables exist and are seeded (a container healthcheck tests for it).")
    Path readyFile;

    @Override
    public Integer call() throws Exception {
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 or more changes per second, not " + rate + ".");
        }
        SourceUrl source = SourceUrl.parse(sourceUrl);
        Connection connection = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
        DemoSchema.create(connection);
        LoadGenerator load = new LoadGenerator(connection, rate, System.nanoTime());
        if (readyFile != null) {
            Files.writeString(readyFile, "ready\n");
        }
        System.out.println("sluice shop writes " + rate + " changes/s into " + source.display() + " (tables "
                + String.join(", ", DemoSchema.TABLES) + ")");
        if (rate == 0) {
            connection.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.close();
            stopped.countDown();
        }, "sluice-shop-stop"));
        load.start();
        while (!stopped.await(30, TimeUnit.SECONDS)) {
            System.out.println("sluice shop: " + load.changes() + " changes written");
        }
        return 0;
    }
}
