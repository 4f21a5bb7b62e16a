package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.local.WarehouseTarget;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control table _sluice_rebuilds on a real DuckDB file: a second promotion of one pipeline, and its rollback. */
class RebuildsTest {

    @TempDir
    Path dir;

    @Test
    void aLaterPromotionReplacesTheEarlierAndItsRollbackRestoresIt() throws SQLException {
        WarehouseTarget warehouse = WarehouseTarget.parse("jdbc:duckdb:" + dir.resolve("w.duckdb"), null);
        Shadow v2 = new Shadow("v2", null);
        Shadow v3 = new Shadow("v3", null);
        Rebuild.register(warehouse, v2, "replication");
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            assertThat(Rebuilds.promotedConnector(s.jdbc(), "replica")).isEmpty();
            s.inTransaction(c -> Rebuilds.update(c, "v2", Rebuilds.State.PROMOTED, List.of("orders", "extra+"), Instant.now()));
        }
        // v3's promotion must wait for v2's sink, which writes the live tables now
        Rebuilds.Row third = Rebuild.register(warehouse, v3, "replication");
        assertThat(third.liveConnector()).isEqualTo("sluice-warehouse__v2");
        try (WarehouseSession s = WarehouseSession.open(warehouse)) {
            s.inTransaction(c -> {
                Rebuilds.replacePromoted(c, "replica", "v3");
                Rebuilds.update(c, "v3", Rebuilds.State.PROMOTED, List.of("orders"), Instant.now());
            });
            Rebuilds.Row second = Rebuilds.require(s.jdbc(), "v2");
            assertThat(second.state()).isEqualTo(Rebuilds.State.REPLACED);
            assertThat(second.tables()).containsExactly("orders", "extra+");
            assertThat(Rebuilds.promotedConnector(s.jdbc(), "replica")).contains("sluice-warehouse__v3");

            s.inTransaction(c -> {
                Rebuilds.restoreReplaced(c, "replica", third.liveConnector());
                Rebuilds.update(c, "v3", Rebuilds.State.ROLLED_BACK, List.of("orders"), null);
            });
            assertThat(Rebuilds.require(s.jdbc(), "v2").state()).isEqualTo(Rebuilds.State.PROMOTED);
            assertThat(Rebuilds.promotedConnector(s.jdbc(), "replica")).contains("sluice-warehouse__v2");
        }
    }
}
