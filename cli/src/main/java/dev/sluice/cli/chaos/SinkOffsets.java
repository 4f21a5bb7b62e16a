package dev.sluice.cli.chaos;

import dev.sluice.cli.local.WarehouseTarget;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sink's two records of its position: {@code _sluice_offsets} in the warehouse (written with the
 * rows) and the Connect consumer group's committed offsets (written after). Once the pipeline has
 * drained they must agree; a crash may only ever leave the warehouse ahead.
 */
final class SinkOffsets {

    private SinkOffsets() {
    }

    /** Polls until both agree, up to {@code wait} (Connect commits on its own schedule). */
    static boolean matchCommitted(WarehouseTarget warehouse, String bootstrap, String group, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                Map<TopicPartition, Long> committed = new HashMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
                    if (e.getValue() != null) {
                        committed.put(e.getKey(), e.getValue().offset());
                    }
                }
                Map<TopicPartition, Long> stored = stored(warehouse);
                if (!stored.isEmpty() && stored.equals(committed)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    Map<TopicPartition, String> differ = new java.util.TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
                    stored.forEach((tp, o) -> { if (!o.equals(committed.get(tp))) differ.put(tp, "warehouse " + o + ", group " + committed.get(tp)); });
                    committed.forEach((tp, o) -> { if (!stored.containsKey(tp)) differ.put(tp, "warehouse none, group " + o); });
                    System.out.println("chaos: offsets that differ: " + differ);
                    return false;
                }
                Thread.sleep(500);
            }
        }
    }

    /** {@code _sluice_offsets}: the next offset per row-topic partition as the warehouse stores it. */
    static Map<TopicPartition, Long> stored(WarehouseTarget warehouse) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Connection c = warehouse.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"topic\", \"partition\", \"next_offset\" FROM \"_sluice_offsets\"")) {
            while (rs.next()) {
                offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return offsets;
    }
}
