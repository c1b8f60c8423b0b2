package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.deetune.bpf.internal.Descriptor;
import io.deetune.bpf.internal.Fds;
import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A kernel BPF map, reached through its file descriptor: from a loaded {@link BpfObject} (the object owns the
 * descriptor), created directly, or opened from a pin in bpffs (then this object owns it and closes it).
 *
 * <p>Keys and values are the raw bytes of the C structs; {@link #typed} gives typed access through {@link Codec}s.
 * Per-CPU maps hold one value per possible CPU: see {@link #lookupPerCpu} and {@link #updatePerCpu}.
 */
public final class BpfMap implements AutoCloseable {

    /** {@code BPF_ANY}: create or replace. */
    public static final long ANY = 0;
    /** {@code BPF_NOEXIST}: create only. */
    public static final long NOEXIST = 1;
    /** {@code BPF_EXIST}: replace only. */
    public static final long EXIST = 2;
    /** {@code BPF_F_NO_PREALLOC}, for hash maps and required by LPM tries. */
    public static final int F_NO_PREALLOC = 1;

    /** How many entries one batch call reads at most, unless the caller says otherwise. */
    public static final int BATCH_CHUNK = 4096;

    static final int ENOENT = 2;
    /**
     * {@link #possibleCpus()} once known (0 before): every per-CPU lookup needs it, and it is fixed at boot (libbpf
     * reads it once too). A race only asks libbpf twice.
     */
    private static int knownPossibleCpus;
    private static final int MAP_INFO_SIZE = 88;

    private final Descriptor descriptor;
    private final MapDefinition definition;
    private final int id;
    private final MapBatchCommands batches = new MapBatchCommands(this);

    BpfMap(int fd, boolean owned) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fds.info(arena, fd, MAP_INFO_SIZE, "map");
            this.id = info.get(JAVA_INT, 4);
            this.definition = new MapDefinition(info.asSlice(24, 16).getString(0),
                    MapType.of(info.get(JAVA_INT, 0)), info.get(JAVA_INT, 8), info.get(JAVA_INT, 12),
                    info.get(JAVA_INT, 16), info.get(JAVA_INT, 20));
        }
        this.descriptor = new Descriptor(fd, owned, "map '" + definition.name() + "'");
    }

    /** Creates a map directly (not from an object). The caller owns it. */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = MemorySegment.NULL;
            if (flags != 0) {
                opts = arena.allocate(48, 8); // struct bpf_map_create_opts
                opts.set(ValueLayout.JAVA_LONG, 0, 48);
                opts.set(JAVA_INT, 28, flags); // map_flags
            }
            int fd = Native.call(Libbpf.MAP_CREATE, type.code(), Native.cString(arena, name), keySize, valueSize,
                    maxEntries, opts).checkInt("create map '" + name + "' (" + type + ")");
            return new BpfMap(fd, true);
        }
    }

    /** Opens a map pinned at {@code path} in bpffs. */
    public static BpfMap openPinned(Path path) {
        return new BpfMap(Fds.openPinned(path, "map"), true);
    }

    /** Opens a map by its kernel id (e.g. an inner map whose id an array of maps holds). */
    public static BpfMap fromId(int id) {
        return new BpfMap(Libbpf.MAP_GET_FD_BY_ID.call(id).checkInt("open map id " + id), true);
    }

    /** The number of CPUs the kernel may bring up: the number of values of a per-CPU map. */
    public static int possibleCpus() {
        int cpus = knownPossibleCpus;
        if (cpus == 0) {
            cpus = Native.call(Libbpf.NUM_POSSIBLE_CPUS).checkInt("libbpf_num_possible_cpus");
            knownPossibleCpus = cpus;
        }
        return cpus;
    }

    /** The map's descriptor; fails once the map (or the object it came from) is closed. */
    public int fd() {
        return descriptor.fd();
    }

    public int id() {
        return id;
    }

    public String name() {
        return definition.name();
    }

    public MapType type() {
        return definition.type();
    }

    public int keySize() {
        return definition.keySize();
    }

    public int valueSize() {
        return definition.valueSize();
    }

    public int maxEntries() {
        return definition.maxEntries();
    }

    public MapDefinition definition() {
        return definition;
    }

    /** The BTF layout of the key and value the kernel has for this map (compare before reusing a pinned map). */
    public MapLayout layout() {
        return MapLayout.ofKernelMap(fd(), name());
    }

    /** Looks a key up; empty when the key is absent. Not for per-CPU maps (see {@link #lookupPerCpu}). */
    public Optional<byte[]> lookup(byte[] key) {
        requireNotPerCpu("lookup");
        return lookupRaw(key, valueSize());
    }

    /** The {@code valueBytes} bytes a key's lookup gives (all CPUs' values of a per-CPU map), or empty. */
    Optional<byte[]> lookupRaw(byte[] key, long valueBytes) {
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBytes, 8);
            Native.Outcome outcome = Libbpf.MAP_LOOKUP_ELEM.call(fd(), arena.allocateFrom(ValueLayout.JAVA_BYTE, key), value);
            if (outcome.asInt() < 0) {
                if (outcome.errno() == ENOENT) {
                    return Optional.empty();
                }
                throw outcome.error("lookup in map '" + name() + "'", outcome.asInt());
            }
            return Optional.of(value.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** Looks a key up in a per-CPU map: one value per possible CPU. */
    public Optional<byte[][]> lookupPerCpu(byte[] key) {
        requirePerCpu("lookupPerCpu");
        int cpus = possibleCpus();
        int stride = perCpuStride();
        return lookupRaw(key, (long) stride * cpus).map(all -> {
            byte[][] values = new byte[cpus][];
            for (int cpu = 0; cpu < cpus; cpu++) {
                values[cpu] = Arrays.copyOfRange(all, cpu * stride, cpu * stride + valueSize());
            }
            return values;
        });
    }

    /** Inserts or replaces a value ({@link #ANY}, {@link #NOEXIST}, {@link #EXIST}). */
    public void update(byte[] key, byte[] value, long flags) {
        requireNotPerCpu("update");
        checkValue(value);
        updateRaw(key, value, flags);
    }

    public void update(byte[] key, byte[] value) {
        update(key, value, ANY);
    }

    /** Sets the value of every CPU of a per-CPU map; {@code values.length} must equal {@link #possibleCpus()}. */
    public void updatePerCpu(byte[] key, byte[][] values, long flags) {
        requirePerCpu("updatePerCpu");
        int cpus = possibleCpus();
        if (values.length != cpus) {
            throw new IllegalArgumentException("map '" + name() + "': " + values.length + " per-CPU values given, "
                    + cpus + " CPUs possible");
        }
        int stride = perCpuStride();
        byte[] all = new byte[stride * cpus];
        for (int cpu = 0; cpu < cpus; cpu++) {
            checkValue(values[cpu]);
            System.arraycopy(values[cpu], 0, all, cpu * stride, valueSize());
        }
        updateRaw(key, all, flags);
    }

    void updateRaw(byte[] key, byte[] value, long flags) {
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            Libbpf.MAP_UPDATE_ELEM.call(fd(), arena.allocateFrom(ValueLayout.JAVA_BYTE, key),
                    arena.allocateFrom(ValueLayout.JAVA_BYTE, value), flags).checkInt("update of map '" + name() + "'");
        }
    }

    /** Deletes a key; false when it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            Native.Outcome outcome = Libbpf.MAP_DELETE_ELEM.call(fd(), arena.allocateFrom(ValueLayout.JAVA_BYTE, key));
            if (outcome.asInt() < 0) {
                if (outcome.errno() == ENOENT) {
                    return false;
                }
                throw outcome.error("delete from map '" + name() + "'", outcome.asInt());
            }
            return true;
        }
    }

    /** Whether the map holds no key (one {@code BPF_MAP_GET_NEXT_KEY}; arrays are never empty). */
    public boolean isEmpty() {
        try (Arena arena = Arena.ofConfined()) {
            Native.Outcome outcome = Libbpf.MAP_GET_NEXT_KEY.call(fd(), MemorySegment.NULL, arena.allocate(keySize()));
            if (outcome.asInt() < 0) {
                if (outcome.errno() == ENOENT) {
                    return true;
                }
                throw outcome.error("iterate map '" + name() + "'", outcome.asInt());
            }
            return false;
        }
    }

    /** Every key of the map, in the kernel's iteration order. */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment previous = MemorySegment.NULL;
            MemorySegment next = arena.allocate(keySize());
            while (true) {
                Native.Outcome outcome = Libbpf.MAP_GET_NEXT_KEY.call(fd(), previous, next);
                if (outcome.asInt() < 0) {
                    if (outcome.errno() == ENOENT) {
                        return keys;
                    }
                    throw outcome.error("iterate map '" + name() + "'", outcome.asInt());
                }
                keys.add(next.toArray(ValueLayout.JAVA_BYTE));
                if (previous.equals(MemorySegment.NULL)) {
                    previous = arena.allocate(keySize());
                }
                MemorySegment.copy(next, 0, previous, 0, keySize());
            }
        }
    }

    /**
     * Writes many entries in one {@code BPF_MAP_UPDATE_BATCH} call (for bulk rule loads); falls back to one update
     * per entry for map types whose kernel code has no batch operation (e.g. LPM tries). Returns the count written.
     */
    public int updateBatch(List<byte[]> keys, List<byte[]> values, long flags) {
        requireNotPerCpu("updateBatch");
        return batches.update(keys, values, flags, 1, valueSize());
    }

    /**
     * {@link #updateBatch} for a per-CPU map: every CPU's copy of an entry gets the same value (e.g. a rule and
     * zeroed counters).
     */
    public int updateBatchEveryCpu(List<byte[]> keys, List<byte[]> values, long flags) {
        requirePerCpu("updateBatchEveryCpu");
        return batches.update(keys, values, flags, possibleCpus(), perCpuStride());
    }

    /**
     * Reads every entry, {@code chunk} entries at most per {@code BPF_MAP_LOOKUP_BATCH} call, and hands each chunk
     * to {@code action} before the next is read (so the action may delete what it was given). Hash maps (also LRU
     * and per-CPU ones) are walked bucket by bucket: entries deleted meanwhile do not disturb the walk, entries added
     * meanwhile may or may not be seen. A bucket larger than the chunk is read with a larger one. Map types whose
     * kernel code has no batch lookup (e.g. LPM tries) are read key by key instead, in chunks all the same.
     */
    public void lookupBatches(int chunk, Consumer<MapBatch> action) {
        batches.walk(chunk, action, false);
    }

    /**
     * Takes every entry out of the map, {@code chunk} at most per {@code BPF_MAP_LOOKUP_AND_DELETE_BATCH} call: each
     * chunk is deleted from the map by the call that reads it, and then handed to {@code action}. For hash maps
     * (also LRU and per-CPU ones); other types fail with the kernel's error.
     */
    public void lookupAndDeleteBatches(int chunk, Consumer<MapBatch> action) {
        batches.walk(chunk, action, true);
    }

    /**
     * Deletes many keys with {@code BPF_MAP_DELETE_BATCH} calls; keys that are not in the map (deleted meanwhile,
     * e.g. by the data path or an LRU eviction) are skipped. Falls back to one delete per key for map types whose
     * kernel code has no batch delete. Returns the number of keys deleted.
     */
    public int deleteBatch(List<byte[]> keys) {
        return batches.delete(keys);
    }

    /** Typed access through codecs whose sizes must match the map's key and value sizes. */
    public <K, V> TypedMap<K, V> typed(Codec<K> keyCodec, Codec<V> valueCodec) {
        if (keyCodec.size() != keySize() || valueCodec.size() != valueSize()) {
            throw new IllegalArgumentException("map '" + name() + "' has key/value sizes " + keySize() + "/" + valueSize()
                    + " but the codecs have " + keyCodec.size() + "/" + valueCodec.size());
        }
        return new TypedMap<>(this, keyCodec, valueCodec);
    }

    /** Pins the map at {@code path} in bpffs (the parent folder must exist). */
    public void pin(Path path) {
        Fds.pin(fd(), path, "map '" + name() + "'");
    }

    int perCpuStride() {
        return (valueSize() + 7) & ~7;
    }

    void checkKey(byte[] key) {
        if (key.length != keySize()) {
            throw new IllegalArgumentException("map '" + name() + "': key has " + key.length + " bytes, the map's key size is " + keySize());
        }
    }

    void checkValue(byte[] value) {
        if (value.length != valueSize()) {
            throw new IllegalArgumentException("map '" + name() + "': value has " + value.length + " bytes, the map's value size is " + valueSize());
        }
    }

    private void requirePerCpu(String op) {
        if (!type().perCpu()) {
            throw new IllegalArgumentException("map '" + name() + "' is a " + type() + " map, not per-CPU: " + op + " needs a per-CPU map");
        }
    }

    private void requireNotPerCpu(String op) {
        if (type().perCpu()) {
            throw new IllegalArgumentException("map '" + name() + "' is per-CPU (" + type() + "): use the per-CPU variant of " + op);
        }
    }

    /** Closes the descriptor if this object owns it; a map from a {@link BpfObject} lives as long as its object. */
    @Override
    public void close() {
        descriptor.close();
    }

    /** Its {@link BpfObject} closes the descriptor. */
    void forget(String reason) {
        descriptor.forget(reason);
    }

    @Override
    public String toString() {
        return "BpfMap[" + definition + ", id=" + id + "]";
    }
}
