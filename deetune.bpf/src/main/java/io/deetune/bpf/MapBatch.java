package io.deetune.bpf;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries one batch call read from a map (see {@link BpfMap#lookupBatches}), copied out of native memory, so a
 * batch stays valid after the walk moved on: the key and value of each entry {@code 0 <= i < size()}. A per-CPU map
 * holds one value per possible CPU ({@link #perCpuValues}).
 */
public final class MapBatch {

    private final String map;
    private final boolean perCpu;
    private final int size;
    private final int keySize;
    private final int valueSize;
    /** Bytes from one CPU's value to the next (per-CPU maps: the value size rounded up to 8). */
    private final int cpuStride;
    private final int cpus;
    /** Bytes from one entry's value(s) to the next. */
    private final int entryStride;
    private final byte[] keys;
    private final byte[] values;

    MapBatch(BpfMap map, int cpus, int cpuStride, int size, byte[] keys, byte[] values) {
        this.map = map.name();
        this.perCpu = map.type().perCpu();
        this.size = size;
        this.keySize = map.keySize();
        this.valueSize = map.valueSize();
        this.cpus = cpus;
        this.cpuStride = cpuStride;
        this.entryStride = perCpu ? cpuStride * cpus : valueSize;
        this.keys = keys;
        this.values = values;
    }

    /** The number of entries. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The key of entry {@code i}. */
    public byte[] key(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(keys, i * keySize, (i + 1) * keySize);
    }

    /** The value of entry {@code i}; not for per-CPU maps (see {@link #perCpuValues}). */
    public byte[] value(int i) {
        checkIndex(i);
        if (perCpu) {
            throw new IllegalArgumentException("map '" + map + "' is per-CPU: use perCpuValues");
        }
        return Arrays.copyOfRange(values, i * entryStride, i * entryStride + valueSize);
    }

    /** The values of entry {@code i} of a per-CPU map, one per possible CPU. */
    public byte[][] perCpuValues(int i) {
        checkIndex(i);
        if (!perCpu) {
            throw new IllegalArgumentException("map '" + map + "' is not per-CPU: use value");
        }
        byte[][] result = new byte[cpus][];
        for (int cpu = 0; cpu < cpus; cpu++) {
            int from = i * entryStride + cpu * cpuStride;
            result[cpu] = Arrays.copyOfRange(values, from, from + valueSize);
        }
        return result;
    }

    /** The keys of every entry, in order (e.g. to hand some of them to {@link BpfMap#deleteBatch}). */
    public List<byte[]> keys() {
        return new AbstractList<>() {
            @Override public byte[] get(int i) { return key(i); }
            @Override public int size() { return size; }
        };
    }

    /** The values of every entry, in order; not for per-CPU maps. */
    public List<byte[]> values() {
        if (perCpu) {
            throw new IllegalArgumentException("map '" + map + "' is per-CPU: use perCpuValues");
        }
        return new AbstractList<>() {
            @Override public byte[] get(int i) { return value(i); }
            @Override public int size() { return size; }
        };
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("entry " + i + " of a batch of " + size + " from map '" + map + "'");
        }
    }

    @Override
    public String toString() {
        return "MapBatch[map '" + map + "', " + size + " entries]";
    }
}
