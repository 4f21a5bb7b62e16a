package dev.sluice.sink.dialect.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.WarehouseConnection;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared instance is opened with the sink's checkpoint threshold, seen by every connection to it. */
class SharedDuckDbTest {
    @TempDir
    Path dir;

    @Test
    void everyConnectionSeesTheLargerCheckpointThreshold() throws Exception {
        String url = "jdbc:duckdb:" + dir.resolve("w.duckdb");
        try (WarehouseConnection first = SharedDuckDb.acquire(url); WarehouseConnection second = SharedDuckDb.acquire(url)) {
            assertThat(threshold(first)).isEqualTo(threshold(second)).isEqualTo("244.1 MiB"); // 256 MB, as DuckDB prints it
        }
        assertThat(SharedDuckDb.openDatabases()).isZero();
    }

    private static String threshold(WarehouseConnection c) throws Exception {
        try (Statement s = c.jdbc().createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('checkpoint_threshold')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
