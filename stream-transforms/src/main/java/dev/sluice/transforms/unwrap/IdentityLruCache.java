package dev.sluice.transforms.unwrap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A small least-recently-used cache keyed by object identity. Bounded so that a deserializer that
 * (against expectation) hands out a fresh schema instance per record costs recomputation, not memory.
 */
public final class IdentityLruCache<K, V> {

    private final Map<Identity<K>, V> entries;

    public IdentityLruCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identity<K>, V> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized V computeIfAbsent(K key, Function<K, V> compute) {
        Identity<K> id = new Identity<>(key);
        V value = entries.get(id);
        if (value == null) {
            value = compute.apply(key);
            entries.put(id, value);
        }
        return value;
    }

    synchronized int size() {
        return entries.size();
    }

    private record Identity<K>(K ref) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity<?> that && that.ref == ref;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(ref);
        }
    }
}
