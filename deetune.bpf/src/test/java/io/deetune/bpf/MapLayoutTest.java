package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.TestPins;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Map layouts from BTF: an object's declaration against what the kernel has for a pinned map. */
class MapLayoutTest {

    private static BpfObject open(String name) {
        return BpfObject.open(MapLayoutTest.class, "bpf/" + name + ".bpf.o");
    }

    @Test
    void swappedFieldsAreAnotherLayoutWithTheSameSizes() {
        try (TestPins pins = TestPins.create("layout")) {
            Path pin = pins.resolve("conns");
            try (BpfObject v1 = open("layout_v1")) {
                v1.setPinPath("conns", pin).load();
            }
            try (BpfMap pinned = BpfMap.openPinned(pin); BpfObject v1 = open("layout_v1"); BpfObject v2 = open("layout_v2")) {
                MapLayout kernel = pinned.layout();
                assertEquals("struct conn_key(8){addr@0 u32;port@32 u16;pad@48 u16;}", kernel.key());
                assertEquals("struct conn(16){packets@0 u64;bytes@64 u64;}", kernel.value());
                assertEquals(kernel, v1.mapLayout("conns"), "the object's BTF and the kernel's agree");
                assertTrue(v1.mapLayout("conns").matches(kernel));

                assertEquals(v1.mapDefinitions().get("conns"), v2.mapDefinitions().get("conns"), "the same sizes");
                MapLayout swapped = v2.mapLayout("conns");
                assertEquals(kernel.key(), swapped.key());
                assertNotEquals(kernel.value(), swapped.value());
                assertFalse(swapped.matches(kernel));
            }
        }
    }

    @Test
    void whatIsUnknownIsLeftToTheSizes() {
        MapLayout known = new MapLayout("u32", "struct conn(16){packets@0 u64;bytes@64 u64;}");
        assertTrue(MapLayout.UNKNOWN.matches(known));
        assertTrue(known.matches(new MapLayout("u32", "")));
        assertFalse(known.matches(new MapLayout("s32", "")));
        try (BpfMap created = BpfMap.create(MapType.HASH, "nobtf", 4, 16, 4, 0)) {
            assertEquals(MapLayout.UNKNOWN, created.layout(), "a map created without BTF");
        }
    }
}
