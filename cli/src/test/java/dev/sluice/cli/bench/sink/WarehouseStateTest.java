package dev.sluice.cli.bench.sink;

import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import dev.sluice.sink.load.ChangeLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The state check every sink gets, on a real DuckDB file. */
class WarehouseStateTest {

    @TempDir
    Path dir;

    private final ChangeLoad load = new ChangeLoad(200, 7);

    @Test
    void aTableWithEveryKeyAtItsNewestVersionIsTheExpectedState() throws Exception {
        String url = write(Map.of());
        WarehouseState state = WarehouseState.read(url, null, "items", load);
        assertThat(state).isEqualTo(new WarehouseState(load.newestVersions().size(), 0, 0, 0));
        assertThat(state.equalsExpected()).isTrue();
    }

    @Test
    void olderVersionsAndMissingKeysAreCounted() throws Exception {
        // key 0 one version back, key 1 missing
        String url = write(Map.of(0, -1L, 1, Long.MIN_VALUE));
        WarehouseState state = WarehouseState.read(url, null, "items", load);
        int keys = load.newestVersions().size();
        assertThat(state).isEqualTo(new WarehouseState(keys - 1, 3, 1, 1)); // key 0: one missing, one extra row; key 1 missing
        assertThat(state.equalsExpected()).isFalse();
    }

    @Test
    void noTableMeansEveryKeyMissing() {
        assertThat(WarehouseState.noTable(load)).isEqualTo(new WarehouseState(0, load.expected().size(), 0,
                load.newestVersions().size()));
    }

    /** The expected rows, with a version shift per key (Long.MIN_VALUE: leave the key out). */
    private String write(Map<Integer, Long> versionShift) throws Exception {
        String url = "jdbc:duckdb:" + dir.resolve("w.duckdb");
        try (WarehouseConnection c = SharedDuckDb.acquire(url); Statement s = c.jdbc().createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR, amount BIGINT, __version BIGINT, __deleted BOOLEAN)");
            try (PreparedStatement insert = c.jdbc().prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?, ?)")) {
                for (String row : load.expected()) {
                    String[] col = row.split("\\|");
                    int id = Integer.parseInt(col[0]);
                    long shift = versionShift.getOrDefault(id, 0L);
                    if (shift == Long.MIN_VALUE) {
                        continue;
                    }
                    boolean deleted = "deleted".equals(col[1]);
                    long version = Long.parseLong(deleted ? col[2] : col[3]) + shift;
                    insert.setInt(1, id);
                    insert.setString(2, deleted ? null : "item " + id + " v" + version);
                    insert.setObject(3, deleted ? null : (long) id * version);
                    insert.setLong(4, version);
                    insert.setBoolean(5, deleted);
                    insert.executeUpdate();
                }
            }
        }
        return url;
    }
}
