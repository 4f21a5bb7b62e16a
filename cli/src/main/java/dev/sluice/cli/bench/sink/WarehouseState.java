package dev.sluice.cli.bench.sink;

import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.Warehouses;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a sink's table compares with the state a {@link ChangeLoad} must leave: its rows, the rows that differ from the
 * expected ones (missing, extra or different), and per key whether it holds the newest version. The same reading for
 * every sink, ours and the one it is compared with.
 */
record WarehouseState(long rows, long rowsNotAsExpected, long keysAtOlderVersion, long keysMissing) {

    /** A sink that created no table: every expected row and key is missing. */
    static WarehouseState noTable(ChangeLoad load) {
        return new WarehouseState(0, load.expected().size(), 0, load.newestVersions().size());
    }

    boolean equalsExpected() {
        return rowsNotAsExpected == 0;
    }

    /** Reads {@code table} (columns id, name, amount, __version, __deleted) of the warehouse at {@code url}. */
    static WarehouseState read(String url, String user, String table, ChangeLoad load) throws SQLException {
        List<String> raw = Warehouses.query(url, user, ChangeLoad.rows(table));
        List<String> expected = load.expected();
        List<String> actual = ChangeLoad.normalize(raw);
        Set<String> expectedSet = new HashSet<>(expected);
        Set<String> actualSet = new HashSet<>(actual);
        long notAsExpected = expected.stream().filter(r -> !actualSet.contains(r)).count()
                + actual.stream().filter(r -> !expectedSet.contains(r)).count();
        Map<Integer, Long> newest = load.newestVersions();
        Set<Integer> present = new HashSet<>();
        long older = 0;
        for (String row : raw) {
            String[] columns = row.split("\\|");
            int id = Integer.parseInt(columns[0]);
            present.add(id);
            Long newestVersion = newest.get(id);
            if (newestVersion != null && Long.parseLong(columns[3]) < newestVersion) {
                older++;
            }
        }
        long missing = newest.keySet().stream().filter(id -> !present.contains(id)).count();
        return new WarehouseState(raw.size(), notAsExpected, older, missing);
    }
}
