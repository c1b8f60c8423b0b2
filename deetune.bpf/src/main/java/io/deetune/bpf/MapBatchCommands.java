package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.deetune.bpf.internal.FdCall;
import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The batch commands of one map ({@code BPF_MAP_UPDATE_BATCH}, {@code _LOOKUP_BATCH}, {@code _LOOKUP_AND_DELETE_BATCH},
 * {@code _DELETE_BATCH}) behind {@link BpfMap}'s batch methods, with the element-by-element fallback for map types
 * whose kernel code has no batch operation (e.g. LPM tries). {@link BpfMap} checks the per-CPU kind first.
 */
final class MapBatchCommands {

    private static final int ENOSPC = 28;

    private final BpfMap map;

    MapBatchCommands(BpfMap map) {
        this.map = map;
    }

    /** Values are written {@code copies} times, {@code stride} bytes apart (per-CPU maps: once per possible CPU). */
    int update(List<byte[]> keys, List<byte[]> values, long flags, int copies, int stride) {
        map.fd(); // a closed map fails even for nothing to write
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException("map '" + map.name() + "': " + keys.size() + " keys but " + values.size() + " values");
        }
        if (keys.isEmpty()) {
            return 0;
        }
        int n = keys.size();
        long entryBytes = (long) stride * copies;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyBuffer = arena.allocate((long) map.keySize() * n);
            MemorySegment valueBuffer = arena.allocate(entryBytes * n, 8);
            for (int i = 0; i < n; i++) {
                map.checkKey(keys.get(i));
                map.checkValue(values.get(i));
                MemorySegment.copy(keys.get(i), 0, keyBuffer, ValueLayout.JAVA_BYTE, (long) i * map.keySize(), map.keySize());
                for (int copy = 0; copy < copies; copy++) {
                    MemorySegment.copy(values.get(i), 0, valueBuffer, ValueLayout.JAVA_BYTE, i * entryBytes + (long) copy * stride, map.valueSize());
                }
            }
            MemorySegment count = arena.allocateFrom(JAVA_INT, n);
            MemorySegment opts = batchOpts(arena, flags);
            Native.Outcome outcome = Libbpf.MAP_UPDATE_BATCH.call(map.fd(), keyBuffer, valueBuffer, count, opts);
            if (outcome.asInt() < 0) {
                if (!unsupported(outcome.errno()) || !nothingDone(count.get(JAVA_INT, 0), n)) {
                    throw outcome.error("batch update of map '" + map.name() + "' (" + n + " entries)", outcome.asInt());
                }
                for (int i = 0; i < n; i++) {
                    map.updateRaw(keys.get(i), valueBuffer.asSlice(i * entryBytes, entryBytes).toArray(ValueLayout.JAVA_BYTE), flags);
                }
            }
            return n;
        }
    }

    /**
     * {@link BpfMap#lookupBatches}, or with {@code delete} {@link BpfMap#lookupAndDeleteBatches}: every entry,
     * {@code chunk} at most per call, each chunk handed to {@code action} before the next is read.
     */
    void walk(int chunk, Consumer<MapBatch> action, boolean delete) {
        map.fd();
        if (chunk < 1) {
            throw new IllegalArgumentException("map '" + map.name() + "': a batch holds at least one entry, not " + chunk);
        }
        int cpus = map.type().perCpu() ? BpfMap.possibleCpus() : 1;
        int cpuStride = map.type().perCpu() ? map.perCpuStride() : map.valueSize();
        long entryBytes = (long) cpuStride * cpus;
        FdCall.P6 fn = delete ? Libbpf.MAP_LOOKUP_AND_DELETE_BATCH : Libbpf.MAP_LOOKUP_BATCH;
        String what = (delete ? "lookup-and-delete batch of map '" : "lookup batch of map '") + map.name() + "'";
        try (Arena arena = Arena.ofConfined()) {
            // The position of the walk: a bucket index (u32) for hash maps, a key for the generic walk.
            long tokenBytes = Math.max(map.keySize(), 8);
            MemorySegment in = arena.allocate(tokenBytes, 8);
            MemorySegment out = arena.allocate(tokenBytes, 8);
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment opts = batchOpts(arena, 0);
            int size = chunk;
            MemorySegment keys = arena.allocate((long) map.keySize() * size, 8);
            MemorySegment values = arena.allocate(entryBytes * size, 8);
            boolean first = true;
            while (true) {
                count.set(JAVA_INT, 0, size);
                Native.Outcome outcome = fn.call(map.fd(), first ? MemorySegment.NULL : in, out, keys, values, count, opts);
                int read = count.get(JAVA_INT, 0);
                boolean end = false;
                if (outcome.asInt() < 0) {
                    int errno = outcome.errno();
                    if (errno == BpfMap.ENOENT) {
                        end = true; // the walk is through; this last call may still have read entries
                    } else if (errno == ENOSPC && read == 0) {
                        // One bucket holds more entries than the chunk: read it again with a larger one.
                        if (size >= map.maxEntries()) {
                            throw outcome.error(what + " (chunk of " + size + " entries)", outcome.asInt());
                        }
                        size = (int) Math.min((long) size * 2, map.maxEntries());
                        keys = arena.allocate((long) map.keySize() * size, 8);
                        values = arena.allocate(entryBytes * size, 8);
                        MemorySegment.copy(out, 0, in, 0, tokenBytes);
                        first = false;
                        continue;
                    } else if (first && !delete && unsupported(errno)) {
                        lookupKeyByKey(chunk, cpus, cpuStride, action);
                        return;
                    } else {
                        throw outcome.error(what, outcome.asInt());
                    }
                } else if (read == 0) {
                    end = true;
                }
                if (read > 0) {
                    action.accept(new MapBatch(map, cpus, cpuStride, read,
                            keys.asSlice(0, (long) map.keySize() * read).toArray(ValueLayout.JAVA_BYTE),
                            values.asSlice(0, entryBytes * read).toArray(ValueLayout.JAVA_BYTE)));
                }
                if (end) {
                    return;
                }
                MemorySegment.copy(out, 0, in, 0, tokenBytes);
                first = false;
            }
        }
    }

    /** {@link BpfMap#lookupBatches} for map types without a batch lookup: the keys first, then one lookup per key. */
    private void lookupKeyByKey(int chunk, int cpus, int cpuStride, Consumer<MapBatch> action) {
        long entryBytes = (long) cpuStride * cpus;
        List<byte[]> all = map.keys();
        for (int from = 0; from < all.size(); from += chunk) {
            List<byte[]> part = all.subList(from, Math.min(all.size(), from + chunk));
            byte[] keys = new byte[part.size() * map.keySize()];
            byte[] values = new byte[(int) (part.size() * entryBytes)];
            int read = 0;
            for (byte[] key : part) {
                Optional<byte[]> value = map.lookupRaw(key, entryBytes);
                if (value.isPresent()) { // else deleted since the keys were read
                    System.arraycopy(key, 0, keys, read * map.keySize(), map.keySize());
                    System.arraycopy(value.get(), 0, values, (int) (read * entryBytes), (int) entryBytes);
                    read++;
                }
            }
            if (read > 0) {
                action.accept(new MapBatch(map, cpus, cpuStride, read, Arrays.copyOf(keys, read * map.keySize()),
                        Arrays.copyOf(values, (int) (read * entryBytes))));
            }
        }
    }

    /** {@link BpfMap#deleteBatch}: the number of keys deleted. */
    int delete(List<byte[]> keys) {
        map.fd();
        keys.forEach(map::checkKey);
        int n = keys.size();
        if (n == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyBuffer = arena.allocate((long) map.keySize() * n);
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(keys.get(i), 0, keyBuffer, ValueLayout.JAVA_BYTE, (long) i * map.keySize(), map.keySize());
            }
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment opts = batchOpts(arena, 0);
            int done = 0;
            int deleted = 0;
            while (done < n) {
                count.set(JAVA_INT, 0, n - done);
                Native.Outcome outcome = Libbpf.MAP_DELETE_BATCH.call(map.fd(),
                        keyBuffer.asSlice((long) done * map.keySize()), count, opts);
                int removed = count.get(JAVA_INT, 0);
                if (outcome.asInt() < 0 && done == 0 && unsupported(outcome.errno()) && nothingDone(removed, n)) {
                    int one = 0;
                    for (byte[] key : keys) {
                        one += map.delete(key) ? 1 : 0;
                    }
                    return one;
                }
                deleted += removed;
                done += removed;
                if (outcome.asInt() < 0) {
                    if (outcome.errno() == BpfMap.ENOENT) {
                        done++; // the call stops at the first absent key: skip it, go on with the rest
                    } else {
                        throw outcome.error("batch delete from map '" + map.name() + "' (" + n + " keys)", outcome.asInt());
                    }
                }
            }
            return deleted;
        }
    }

    /** {@code struct bpf_map_batch_opts} (LIBBPF_OPTS: sz, elem_flags, flags). */
    private static MemorySegment batchOpts(Arena arena, long elemFlags) {
        MemorySegment opts = arena.allocate(24, 8);
        opts.set(ValueLayout.JAVA_LONG, 0, 24);
        opts.set(ValueLayout.JAVA_LONG, 8, elemFlags);
        opts.set(ValueLayout.JAVA_LONG, 16, 0);
        return opts;
    }

    /**
     * Whether a failed batch call of {@code asked} entries left them all alone: the kernel reports 0 done, or, when
     * the map's type has no such command, does not write the count at all (it stays as asked).
     */
    private static boolean nothingDone(int count, int asked) {
        return count == 0 || count == asked;
    }

    /** The errors of a batch command that the map's type does not implement. */
    private static boolean unsupported(int errno) {
        return errno == 22 /* EINVAL */ || errno == 95 /* EOPNOTSUPP */ || errno == 524 /* ENOTSUPP */;
    }
}
