package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.deetune.bpf.internal.Fds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What a map's key and value are, from BTF: a canonical text per side (struct and member names, offsets, sizes,
 * integer widths and signedness, array lengths); equal texts, same layout. Sizes alone do not tell: two fields
 * swapped keep every size, yet the old bytes would be read the wrong way. An empty text means unknown (no BTF for
 * that side, e.g. a map declared with {@code key_size} or created by a kernel that had no BTF for it).
 *
 * @param key   the key's layout, or empty when unknown
 * @param value the value's layout, or empty when unknown
 */
public record MapLayout(String key, String value) {

    /** Nothing known. */
    public static final MapLayout UNKNOWN = new MapLayout("", "");

    private static final int MAP_INFO_SIZE = 88;

    /**
     * Whether the two can describe the same data: false only where both know a side and the texts differ (what
     * cannot be compared, such as a map without BTF, is left to the sizes of {@link MapDefinition}).
     */
    public boolean matches(MapLayout other) {
        return same(key, other.key) && same(value, other.value);
    }

    private static boolean same(String a, String b) {
        return a.isEmpty() || b.isEmpty() || a.equals(b);
    }

    static MapLayout of(Btf btf, int keyTypeId, int valueTypeId) {
        return new MapLayout(keyTypeId == 0 ? "" : btf.signature(keyTypeId), valueTypeId == 0 ? "" : btf.signature(valueTypeId));
    }

    /** The layout the kernel has for the map of {@code fd} (from the BTF the map was created with). */
    static MapLayout ofKernelMap(int fd, String mapName) {
        int btfId;
        int keyTypeId;
        int valueTypeId;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fds.info(arena, fd, MAP_INFO_SIZE, "map '" + mapName + "'");
            btfId = info.get(JAVA_INT, 64);
            keyTypeId = info.get(JAVA_INT, 68);
            valueTypeId = info.get(JAVA_INT, 72);
        }
        if (btfId == 0) {
            return UNKNOWN;
        }
        return Btf.withKernelBtf(btfId, btf -> of(btf, keyTypeId, valueTypeId));
    }

    @Override
    public String toString() {
        return "key " + (key.isEmpty() ? "(no BTF)" : key) + ", value " + (value.isEmpty() ? "(no BTF)" : value);
    }
}
