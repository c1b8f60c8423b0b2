package io.deetune.bpf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

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

    /** A snapshot of the whole map (not for per-CPU maps). */
    public Map<K, V> entries() {
        Map<K, V> result = new LinkedHashMap<>();
        for (byte[] key : map.keys()) {
            map.lookup(key).ifPresent(value -> result.put(keys.fromBytes(key), values.fromBytes(value)));
        }
        return result;
    }
}
