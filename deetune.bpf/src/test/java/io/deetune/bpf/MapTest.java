package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.TestPins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Map operations against real kernel maps. */
class MapTest {

    @Test
    void hashMapLookupUpdateDeleteIterate() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_hash", 4, 8, 16, 0)) {
            TypedMap<Integer, Long> typed = map.typed(Codec.U32, Codec.U64);
            assertTrue(typed.get(1).isEmpty());
            typed.put(1, 100L);
            typed.put(2, 200L);
            assertEquals(200L, typed.get(2).orElseThrow());
            assertEquals(Map.of(1, 100L, 2, 200L), typed.entries());
            assertTrue(typed.remove(1));
            assertFalse(typed.remove(1));
            assertEquals(1, map.keys().size());
            assertEquals(MapType.HASH, map.type());
            try (BpfMap byId = BpfMap.fromId(map.id())) {
                assertEquals(Map.of(2, 200L), byId.typed(Codec.U32, Codec.U64).entries());
            }
            assertEquals(16, map.maxEntries());
            assertTrue(map.id() > 0);
        }
    }

    @Test
    void createOnlyAndReplaceOnlyFlags() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_flags", 4, 4, 4, 0)) {
            byte[] key = Codec.U32.toBytes(7);
            map.update(key, Codec.U32.toBytes(1), BpfMap.NOEXIST);
            BpfException e = assertThrows(BpfException.class, () -> map.update(key, Codec.U32.toBytes(2), BpfMap.NOEXIST));
            assertEquals(17, e.errno()); // EEXIST
            assertEquals("bpf_map_update_elem", e.call());
            assertThrows(BpfException.class, () -> map.update(Codec.U32.toBytes(8), Codec.U32.toBytes(2), BpfMap.EXIST));
        }
    }

    @Test
    void perCpuValuesAreOnePerPossibleCpu() {
        int cpus = BpfMap.possibleCpus();
        assertTrue(cpus >= 1);
        try (BpfMap map = BpfMap.create(MapType.PERCPU_ARRAY, "t_percpu", 4, 8, 2, 0)) {
            TypedMap<Integer, Long> typed = map.typed(Codec.U32, Codec.U64);
            byte[][] values = new byte[cpus][];
            for (int cpu = 0; cpu < cpus; cpu++) {
                values[cpu] = Codec.U64.toBytes(cpu + 1L);
            }
            map.updatePerCpu(Codec.U32.toBytes(1), values, BpfMap.ANY);
            List<Long> read = typed.getPerCpu(1).orElseThrow();
            assertEquals(cpus, read.size());
            for (int cpu = 0; cpu < cpus; cpu++) {
                assertEquals(cpu + 1L, read.get(cpu));
            }
            assertEquals((long) cpus * (cpus + 1) / 2, typed.getSummed(1, Long::sum).orElseThrow());
            assertThrows(IllegalArgumentException.class, () -> map.lookup(Codec.U32.toBytes(1)));
        }
    }

    @Test
    void batchUpdateWritesEveryEntry() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_batch", 4, 8, 20_000, 0)) {
            Map<Integer, Long> entries = new LinkedHashMap<>();
            for (int i = 0; i < 10_000; i++) {
                entries.put(i, i * 3L);
            }
            assertEquals(10_000, map.typed(Codec.U32, Codec.U64).putAll(entries));
            assertEquals(10_000, map.keys().size());
            assertEquals(2997L, map.typed(Codec.U32, Codec.U64).get(999).orElseThrow());
        }
    }

    @Test
    void batchUpdateFallsBackForLpmTries() {
        try (BpfMap trie = BpfMap.create(MapType.LPM_TRIE, "t_lpm", 8, 4, 64, BpfMap.F_NO_PREALLOC)) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                keys.add(new byte[] {24, 0, 0, 0, 10, (byte) i, 0, 0});
                values.add(Codec.U32.toBytes(i));
            }
            assertEquals(10, trie.updateBatch(keys, values, BpfMap.ANY));
            byte[] hostKey = {32, 0, 0, 0, 10, 5, 0, 77};
            assertArrayEquals(Codec.U32.toBytes(5), trie.lookup(hostKey).orElseThrow());
        }
    }

    @Test
    void batchUpdateOfAPerCpuMapWritesEveryCpusCopy() {
        try (BpfMap map = BpfMap.create(MapType.PERCPU_HASH, "t_pc_batch", 4, 12, 8, 0)) {
            List<byte[]> keys = List.of(Codec.U32.toBytes(1), Codec.U32.toBytes(2));
            List<byte[]> values = List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new byte[12]);
            assertEquals(2, map.updateBatchEveryCpu(keys, values, BpfMap.ANY));
            byte[][] perCpu = map.lookupPerCpu(Codec.U32.toBytes(1)).orElseThrow();
            assertEquals(BpfMap.possibleCpus(), perCpu.length);
            for (byte[] value : perCpu) {
                assertArrayEquals(values.getFirst(), value);
            }
            assertArrayEquals(new byte[12], map.lookupPerCpu(Codec.U32.toBytes(2)).orElseThrow()[0]);
        }
    }

    @Test
    void pinnedMapOutlivesItsDescriptor() throws Exception {
        try (TestPins pins = TestPins.create("map")) {
            Path pin = pins.resolve("counts");
            try (BpfMap map = BpfMap.create(MapType.ARRAY, "t_pinned", 4, 8, 4, 0)) {
                map.update(Codec.U32.toBytes(3), Codec.U64.toBytes(42L));
                map.pin(pin);
            }
            try (BpfMap again = BpfMap.openPinned(pin)) {
                assertEquals(42L, again.typed(Codec.U32, Codec.U64).get(3).orElseThrow());
                assertEquals("t_pinned", again.name());
            }
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_bad", 4, 8, 4, 0)) {
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                    () -> map.update(new byte[3], new byte[8]));
            assertTrue(key.getMessage().contains("key has 3 bytes, the map's key size is 4"), key.getMessage());
            IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                    () -> map.update(new byte[4], new byte[2]));
            assertTrue(value.getMessage().contains("value has 2 bytes"), value.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.typed(Codec.U64, Codec.U64));
        }
        IllegalArgumentException pin = assertThrows(IllegalArgumentException.class,
                () -> BpfMap.openPinned(Path.of("/sys/fs/bpf/does/not/exist")));
        assertTrue(pin.getMessage().contains("no pinned map at /sys/fs/bpf/does/not/exist"));
        BpfException create = assertThrows(BpfException.class, () -> BpfMap.create(MapType.ARRAY, "t_zero", 4, 8, 0, 0));
        assertTrue(create.getMessage().contains("create map 't_zero'"), create.getMessage());
    }
}
