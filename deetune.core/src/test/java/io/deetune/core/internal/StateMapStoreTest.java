package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.testing.TestPins;
import org.junit.jupiter.api.Test;

/**
 * A stage's pinned state map is reused while its definition stays the same, BTF layout included: a new version of the
 * stage whose map has the same sizes but another layout (two fields swapped) gets a new, empty map, not the old bytes
 * read the wrong way.
 */
class StateMapStoreTest {

    private static final byte[] KEY = {1, 0, 0, 0, 80, 0, 0, 0};
    private static final byte[] VALUE = {7, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0};

    private static BpfObject open(String name) {
        return BpfObject.open(StateMapStoreTest.class, "bpf/" + name + ".bpf.o");
    }

    @Test
    void aMapWhoseLayoutChangedIsReplaced() {
        try (TestPins pins = TestPins.create("state"); StateMapStore store = new StateMapStore(pins.dir())) {
            int firstId;
            try (BpfObject v1 = open("layout_v1")) {
                store.prepare("counter", v1);
                BpfMap conns = v1.load().map("conns");
                conns.update(KEY, VALUE);
                firstId = conns.id();
            }
            try (BpfObject again = open("layout_v1")) {
                store.prepare("counter", again);
                BpfMap conns = again.load().map("conns");
                assertEquals(firstId, conns.id(), "the same definition reuses the pinned map");
                assertTrue(conns.lookup(KEY).isPresent(), "and keeps its state");
            }
            try (BpfObject v2 = open("layout_v2")) {
                store.prepare("counter", v2);
                BpfMap conns = v2.load().map("conns");
                assertNotEquals(firstId, conns.id(), "same sizes, another layout: a new map");
                assertTrue(conns.isEmpty());
                try (BpfMap pinned = BpfMap.openPinned(store.folder("counter").resolve("conns"))) {
                    assertEquals(conns.id(), pinned.id(), "the new map is pinned in the old one's place");
                }
            }
        }
    }
}
