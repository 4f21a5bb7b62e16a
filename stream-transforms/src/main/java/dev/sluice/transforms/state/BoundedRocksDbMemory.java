package dev.sluice.transforms.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the off-heap memory of every RocksDB store in this JVM: all stores share one LRU block cache of
 * {@link #MEMORY_BYTES_CONFIG} bytes (default {@link #DEFAULT_MEMORY_BYTES}), and their memtables are charged
 * to that same cache through one write-buffer manager (at most half of it), so block cache + memtables +
 * index and filter blocks stay within the bound however many stores, partitions or ids there are.
 *
 * <p>The cache is per JVM, not per store or per application: a pod's memory limit is per JVM. The first
 * store opened fixes the size; a later, different size is ignored with a warning. The shared objects live as
 * long as the JVM, so {@link #close} does not free them.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams config key: total bytes for block cache and memtables of all stores in this JVM. */
    public static final String MEMORY_BYTES_CONFIG = "sluice.rocksdb.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 512L * 1024 * 1024;
    /** Share of the cache kept for index and filter blocks, so lookups do not thrash them out. */
    private static final double HIGH_PRIORITY_RATIO = 0.1;

    private static final Logger LOG = LoggerFactory.getLogger(BoundedRocksDbMemory.class);
    private static Shared shared;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        bound(options, shared(memoryBytes(configs)));
    }

    /** Charges a store's block cache, index and filter blocks and memtables to {@code memory}. */
    static void bound(Options options, Shared memory) {
        // Streams always sets a block-based table config; plain Options (a custom store) have none yet
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig streams
                ? streams : new BlockBasedTableConfig();
        table.setBlockCache(memory.cache);
        // index and filter blocks count against the cache too; otherwise they grow with the data, unbounded
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write-buffer manager are shared by every store of the JVM: never closed per store
    }

    /**
     * Bytes the shared block cache holds now (data, index and filter blocks, memtable reservations); 0 before any
     * store opened.
     */
    public static synchronized long usage() {
        return shared == null ? 0 : shared.cache.getUsage();
    }

    /** The configured bound of the shared cache; 0 before any store opened. */
    public static synchronized long capacity() {
        return shared == null ? 0 : shared.capacity;
    }

    static long memoryBytes(Map<String, ?> configs) {
        Object value = configs.get(MEMORY_BYTES_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes;
        try {
            bytes = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " is '" + value
                    + "', not a number of bytes; set it to e.g. 536870912 (512 MB).");
        }
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " is " + bytes
                    + " bytes; RocksDB needs at least 16 MB (16777216) to work, set it higher.");
        }
        return bytes;
    }

    private static synchronized Shared shared(long bytes) {
        if (shared == null) {
            shared = Shared.of(bytes);
            LOG.info("RocksDB state memory bounded to {} MB (shared block cache and memtables)", bytes >> 20);
        } else if (shared.capacity != bytes) {
            LOG.warn("RocksDB state memory is already bounded to {} bytes in this JVM; ignoring {} bytes",
                    shared.capacity, bytes);
        }
        return shared;
    }

    /**
     * One LRU block cache of {@code capacity} bytes with memtables charged to it (at most half). The write-buffer
     * manager stalls writes while memtables are over their share (until a flush frees them): without the stall
     * they kept growing and the cache passed its capacity by a quarter under a heavy write load. The cache itself
     * is not strict (a strict one fails reads when pinned blocks fill it); BoundedRocksDbMemoryLoadTest measures
     * the peak against the bound.
     */
    record Shared(long capacity, Cache cache, WriteBufferManager writeBuffers) {
        static Shared of(long bytes) {
            RocksDB.loadLibrary();
            LRUCache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_RATIO);
            return new Shared(bytes, cache, new WriteBufferManager(bytes / 2, cache, true));
        }
    }
}
