package dev.sluice.schemas.connect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded, least-recently-used cache keyed by object identity. Schema conversion sits on every
 * record's path; Connect and Avro schemas are reused instances, and their deep equals/hashCode would
 * cost as much as converting. Bounded so that a source building new schema instances per record
 * cannot grow it without limit. Thread-safe.
 */
final class IdentityCache<K, V> {

    private record Key(Object ref) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.ref == ref;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(ref);
        }
    }

    private final Map<Key, V> entries;

    IdentityCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    V get(K key, Function<K, V> compute) {
        Key k = new Key(key);
        synchronized (entries) {
            V cached = entries.get(k);
            if (cached != null) {
                return cached;
            }
        }
        V value = compute.apply(key); // outside the lock: a slow conversion must not block hits
        synchronized (entries) {
            V raced = entries.putIfAbsent(k, value);
            return raced != null ? raced : value;
        }
    }
}
