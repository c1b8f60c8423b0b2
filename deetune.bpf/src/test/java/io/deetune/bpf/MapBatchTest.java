package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batch lookups and deletes ({@code BPF_MAP_*_BATCH}) against real kernel maps. */
class MapBatchTest {

    /** A map of {@code type} holding key i -> value 3i for i in [0, n). */
    private static BpfMap filled(MapType type, String name, int n, int maxEntries) {
        BpfMap map = BpfMap.create(type, name, 4, 8, maxEntries, 0);
        Map<Integer, Long> entries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            entries.put(i, 3L * i);
        }
        map.typed(Codec.U32, Codec.U64).putAll(entries);
        return map;
    }

    /** Every entry the batch walk hands out, with the sizes of the batches. */
    private static Map<Integer, Long> read(BpfMap map, int chunk, List<Integer> sizes) {
        Map<Integer, Long> seen = new HashMap<>();
        map.lookupBatches(chunk, batch -> {
            sizes.add(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Long before = seen.put(Codec.U32.fromBytes(batch.key(i)), Codec.U64.fromBytes(batch.value(i)));
                assertEquals(null, before, "each entry once");
            }
        });
        return seen;
    }

    @Test
    void anEmptyMapGivesNoBatch() {
        for (MapType type : List.of(MapType.HASH, MapType.LRU_HASH, MapType.PERCPU_HASH)) {
            try (BpfMap map = BpfMap.create(type, "t_empty", 4, 8, 64, 0)) {
                List<MapBatch> batches = new ArrayList<>();
                map.lookupBatches(16, batches::add);
                map.lookupAndDeleteBatches(16, batches::add);
                assertEquals(List.of(), batches, type.toString());
                assertEquals(0, map.deleteBatch(List.of()));
                if (!type.perCpu()) {
                    assertEquals(Map.of(), map.typed(Codec.U32, Codec.U64).entries(), type.toString());
                }
            }
        }
    }

    @Test
    void aMapLargerThanOneChunkIsReadWholeInChunks() {
        for (MapType type : List.of(MapType.HASH, MapType.LRU_HASH)) {
            try (BpfMap map = filled(type, "t_chunks", 10_000, 20_000)) {
                List<Integer> sizes = new ArrayList<>();
                Map<Integer, Long> seen = read(map, 1000, sizes);
                assertEquals(10_000, seen.size(), type.toString());
                for (int i = 0; i < 10_000; i++) {
                    assertEquals(3L * i, seen.get(i));
                }
                assertTrue(sizes.size() >= 10, type + ": chunks of at most 1000, got " + sizes);
                assertTrue(sizes.stream().allMatch(size -> size > 0 && size <= 1000), type + ": " + sizes);
                assertEquals(10_000, map.typed(Codec.U32, Codec.U64).entries().size(), "entries() reads in batches too");
            }
        }
    }

    @Test
    void aBucketLargerThanTheChunkIsReadWithALargerOne() {
        // 256 keys in 256 buckets: some bucket surely holds two or more, which a chunk of one cannot take (ENOSPC).
        try (BpfMap map = filled(MapType.HASH, "t_enospc", 256, 256)) {
            List<Integer> sizes = new ArrayList<>();
            Map<Integer, Long> seen = read(map, 1, sizes);
            assertEquals(256, seen.size());
            assertTrue(sizes.stream().anyMatch(size -> size > 1), "the chunk grew: " + sizes);
        }
    }

    @Test
    void perCpuValuesComeOnePerPossibleCpu() {
        int cpus = BpfMap.possibleCpus();
        for (MapType type : List.of(MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH)) {
            // A value size that is not a multiple of 8: the kernel spaces the CPUs' copies 8-aligned.
            try (BpfMap map = BpfMap.create(type, "t_pc", 4, 12, 2048, 0)) {
                for (int key = 0; key < 1500; key++) {
                    byte[][] values = new byte[cpus][];
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        values[cpu] = new byte[12];
                        values[cpu][0] = (byte) key;
                        values[cpu][11] = (byte) cpu;
                    }
                    map.updatePerCpu(Codec.U32.toBytes(key), values, BpfMap.ANY);
                }
                Set<Integer> seen = new HashSet<>();
                map.lookupBatches(500, batch -> {
                    for (int i = 0; i < batch.size(); i++) {
                        int key = Codec.U32.fromBytes(batch.key(i));
                        byte[][] values = batch.perCpuValues(i);
                        assertEquals(cpus, values.length);
                        for (int cpu = 0; cpu < cpus; cpu++) {
                            assertEquals((byte) key, values[cpu][0], type + " key " + key + " cpu " + cpu);
                            assertEquals((byte) cpu, values[cpu][11], type + " key " + key + " cpu " + cpu);
                        }
                        assertTrue(seen.add(key));
                    }
                    assertThrows(IllegalArgumentException.class, () -> batch.value(0));
                });
                assertEquals(1500, seen.size(), type.toString());
                assertThrows(IllegalArgumentException.class, () -> map.typed(Codec.U32, Codec.bytes(12)).entries());
            }
        }
    }

    @Test
    void lookupAndDeleteTakesEveryEntryOut() {
        for (MapType type : List.of(MapType.HASH, MapType.LRU_HASH)) {
            try (BpfMap map = filled(type, "t_drain", 5000, 8192)) {
                Map<Integer, Long> taken = new HashMap<>();
                map.lookupAndDeleteBatches(700, batch -> {
                    for (int i = 0; i < batch.size(); i++) {
                        taken.put(Codec.U32.fromBytes(batch.key(i)), Codec.U64.fromBytes(batch.value(i)));
                    }
                });
                assertEquals(5000, taken.size(), type.toString());
                assertEquals(2997L, taken.get(999));
                assertTrue(map.isEmpty(), type + " is empty afterwards");
            }
        }
    }

    @Test
    void deleteBatchDeletesTheKeysAndSkipsAbsentOnes() {
        for (MapType type : List.of(MapType.HASH, MapType.LRU_HASH)) {
            try (BpfMap map = filled(type, "t_delete", 1000, 2048)) {
                List<byte[]> keys = new ArrayList<>();
                for (int i = 0; i < 1000; i += 2) {
                    keys.add(Codec.U32.toBytes(i));
                    keys.add(Codec.U32.toBytes(100_000 + i)); // never in the map: skipped, not an error
                }
                assertEquals(500, map.deleteBatch(keys), type.toString());
                Map<Integer, Long> left = map.typed(Codec.U32, Codec.U64).entries();
                assertEquals(500, left.size());
                assertTrue(left.keySet().stream().allMatch(key -> key % 2 == 1), type.toString());
                assertEquals(0, map.deleteBatch(keys), "deleting them again deletes nothing");
            }
        }
    }

    @Test
    void removeIfDeletesWhileItWalksAndSeesEveryEntryOnce() {
        try (BpfMap map = filled(MapType.LRU_HASH, "t_remove_if", 20_000, 32_768)) {
            TypedMap<Integer, Long> typed = map.typed(Codec.U32, Codec.U64);
            Set<Integer> tested = new HashSet<>();
            int removed = typed.removeIf((key, value) -> {
                assertTrue(tested.add(key), "entry " + key + " once");
                return key % 3 == 0;
            });
            assertEquals(20_000, tested.size());
            assertEquals(6667, removed);
            Map<Integer, Long> left = typed.entries();
            assertEquals(20_000 - 6667, left.size());
            assertTrue(left.keySet().stream().noneMatch(key -> key % 3 == 0));
            assertEquals(2, typed.removeAll(List.of(1, 2, 3)), "3 is gone already");
        }
    }

    @Test
    void triesAndArraysAreReadInBatchesToo() {
        try (BpfMap trie = BpfMap.create(MapType.LPM_TRIE, "t_lpm_b", 8, 4, 64, BpfMap.F_NO_PREALLOC)) {
            for (int i = 0; i < 10; i++) {
                trie.update(new byte[] {24, 0, 0, 0, 10, (byte) i, 0, 0}, Codec.U32.toBytes(i));
            }
            List<Integer> sizes = new ArrayList<>();
            Set<Integer> values = new HashSet<>();
            trie.lookupBatches(4, batch -> {
                sizes.add(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    values.add(Codec.U32.fromBytes(batch.value(i)));
                    assertEquals(24, batch.key(i)[0]);
                }
            });
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), values);
            assertEquals(List.of(4, 4, 2), sizes);
        }
        try (BpfMap array = BpfMap.create(MapType.ARRAY, "t_array_b", 4, 8, 100, 0)) {
            array.update(Codec.U32.toBytes(42), Codec.U64.toBytes(7L));
            Map<Integer, Long> all = array.typed(Codec.U32, Codec.U64).entries();
            assertEquals(100, all.size(), "an array has every index");
            assertEquals(7L, all.get(42));
        }
    }

    @Test
    void mapsWithoutBatchOperationsAreReadAndDeletedKeyByKey() {
        // The kernel's device hash map has no batch commands (ENOTSUPP): the same calls work entry by entry.
        try (BpfMap devices = BpfMap.create(MapType.DEVMAP_HASH, "t_devmap_b", 4, 4, 16, 0)) {
            List<byte[]> keys6 = new ArrayList<>();
            List<byte[]> loopback = new ArrayList<>();
            for (int key = 1; key <= 6; key++) {
                keys6.add(Codec.U32.toBytes(key));
                loopback.add(Codec.U32.toBytes(1)); // ifindex 1
            }
            assertEquals(6, devices.updateBatch(keys6, loopback, BpfMap.ANY));
            List<Integer> sizes = new ArrayList<>();
            Set<Integer> keys = new HashSet<>();
            devices.lookupBatches(4, batch -> {
                sizes.add(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    keys.add(Codec.U32.fromBytes(batch.key(i)));
                    assertEquals(1, Codec.U32.fromBytes(batch.value(i)));
                }
            });
            assertEquals(Set.of(1, 2, 3, 4, 5, 6), keys);
            assertEquals(List.of(4, 2), sizes);
            assertEquals(2, devices.deleteBatch(List.of(Codec.U32.toBytes(2), Codec.U32.toBytes(9), Codec.U32.toBytes(4))));
            assertEquals(4, devices.keys().size());
        }
    }

    @Test
    void badChunksAndKeysAreRejected() {
        try (BpfMap map = filled(MapType.HASH, "t_bad_b", 4, 8)) {
            assertThrows(IllegalArgumentException.class, () -> map.lookupBatches(0, batch -> {}));
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> map.deleteBatch(List.of(new byte[3])));
            assertTrue(key.getMessage().contains("key has 3 bytes"), key.getMessage());
            map.lookupBatches(8, batch -> {
                assertThrows(IndexOutOfBoundsException.class, () -> batch.key(batch.size()));
                assertArrayEquals(batch.key(0), batch.keys().getFirst());
                assertArrayEquals(batch.value(0), batch.values().getFirst());
            });
        }
    }
}
