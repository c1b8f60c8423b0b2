package io.deetune.bpf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/** A {@link BpfMap} seen through codecs for its keys and values. */
public final class TypedMap<K, V> {

    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    public BpfMap map() {
        return map;
    }

    public Optional<V> get(K key) {
        return map.lookup(keys.toBytes(key)).map(values::fromBytes);
    }

    public void put(K key, V value) {
        map.update(keys.toBytes(key), values.toBytes(value), BpfMap.ANY);
    }

    public boolean remove(K key) {
        return map.delete(keys.toBytes(key));
    }

    /** Writes every entry with one batch update. */
    public int putAll(Map<K, V> entries) {
        List<byte[]> k = new ArrayList<>(entries.size());
        List<byte[]> v = new ArrayList<>(entries.size());
        entries.forEach((key, value) -> {
            k.add(keys.toBytes(key));
            v.add(values.toBytes(value));
        });
        return map.updateBatch(k, v, BpfMap.ANY);
    }

    /** The per-CPU values of a key of a per-CPU map. */
    public Optional<List<V>> getPerCpu(K key) {
        return map.lookupPerCpu(keys.toBytes(key)).map(all -> {
            List<V> list = new ArrayList<>(all.length);
            for (byte[] bytes : all) {
                list.add(values.fromBytes(bytes));
            }
            return list;
        });
    }

    /** The per-CPU values of a key folded into one (e.g. counters summed). */
    public Optional<V> getSummed(K key, BinaryOperator<V> sum) {
        return getPerCpu(key).map(list -> list.stream().reduce(sum).orElseThrow());
    }

    /** A snapshot of the whole map, read with batch lookups (not for per-CPU maps). */
    public Map<K, V> entries() {
        Map<K, V> result = new LinkedHashMap<>();
        forEach(result::put);
        return result;
    }

    /** Every entry, read with batch lookups (see {@link BpfMap#lookupBatches}); not for per-CPU maps. */
    public void forEach(BiConsumer<K, V> action) {
        forEachChunk(BpfMap.BATCH_CHUNK, chunk -> chunk.forEach(action));
    }

    /**
     * Every entry, {@code chunk} entries at most per batch lookup: {@code action} gets each chunk's entries (in the
     * kernel's order) before the next chunk is read, so it may change the map meanwhile, e.g. delete some of what
     * it was given ({@link #removeAll}). Not for per-CPU maps.
     */
    public void forEachChunk(int chunk, Consumer<Map<K, V>> action) {
        if (map.type().perCpu()) {
            throw new IllegalArgumentException("map '" + map.name() + "' is per-CPU (" + map.type()
                    + "): read it with BpfMap.lookupBatches and MapBatch.perCpuValues");
        }
        map.lookupBatches(chunk, batch -> {
            Map<K, V> entries = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                entries.put(keys.fromBytes(batch.key(i)), values.fromBytes(batch.value(i)));
            }
            action.accept(entries);
        });
    }

    /**
     * Deletes the entries {@code test} picks, reading the map chunk by chunk and deleting each chunk's picks with one
     * batch delete before the next chunk is read. Returns the number deleted (an entry the data path or an LRU
     * eviction deleted first is not counted).
     */
    public int removeIf(BiPredicate<K, V> test) {
        int[] removed = {0};
        forEachChunk(BpfMap.BATCH_CHUNK, chunk -> {
            List<K> picked = new ArrayList<>();
            chunk.forEach((key, value) -> {
                if (test.test(key, value)) {
                    picked.add(key);
                }
            });
            removed[0] += removeAll(picked);
        });
        return removed[0];
    }

    /** Deletes the keys with batch deletes; absent keys are skipped. Returns the number deleted. */
    public int removeAll(Collection<K> toRemove) {
        List<byte[]> bytes = new ArrayList<>(toRemove.size());
        toRemove.forEach(key -> bytes.add(keys.toBytes(key)));
        return map.deleteBatch(bytes);
    }
}
