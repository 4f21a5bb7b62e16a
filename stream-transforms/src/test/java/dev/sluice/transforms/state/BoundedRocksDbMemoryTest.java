package dev.sluice.transforms.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class BoundedRocksDbMemoryTest {

    @Test
    void streamsStoresShareTheOneCacheOfTheConfiguredSize() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("in", Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("table-a"));
        builder.table("in2", Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("table-b"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-bound-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            for (int i = 0; i < 10_000; i++) {
                in.pipeInput("key-" + i, "value-" + i);
            }
            assertThat(BoundedRocksDbMemory.capacity()).isEqualTo(BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES);
            assertThat(BoundedRocksDbMemory.usage()).isPositive().isLessThanOrEqualTo(BoundedRocksDbMemory.capacity());
        }
    }

    @Test
    void storesGetTheSharedCacheWithIndexAndFiltersInsideIt() {
        try (Options first = new Options(); Options second = new Options()) {
            BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
            setter.setConfig("a", first, Map.of());
            setter.setConfig("b", second, Map.of());

            BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            assertThat(first.writeBufferManager()).isSameAs(second.writeBufferManager()).isNotNull();
        }
    }

    @Test
    void badSizeIsRejectedWithTheFix() {
        assertThat(BoundedRocksDbMemory.memoryBytes(Map.of())).isEqualTo(512L * 1024 * 1024);
        assertThat(BoundedRocksDbMemory.memoryBytes(Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "33554432")))
                .isEqualTo(32L * 1024 * 1024);
        assertThatThrownBy(() -> BoundedRocksDbMemory.memoryBytes(Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "lots")))
                .hasMessageContaining("not a number of bytes");
        assertThatThrownBy(() -> BoundedRocksDbMemory.memoryBytes(Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 1000)))
                .hasMessageContaining("at least 16 MB");
    }
}
