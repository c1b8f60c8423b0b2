package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Using an object, or a handle it gave out, after {@link BpfObject#close()}: a clear IllegalStateException, never
 * freed libbpf memory (a JVM crash) nor a descriptor number the process has reused for something else.
 */
class ClosedHandlesTest {

    @Test
    void aClosedObjectRefusesEveryMethod() {
        BpfObject object = ObjectTest.probe();
        Btf btf = object.btf();
        object.close();
        object.close(); // closing twice is fine
        List<Executable> uses = List.of(
                object::programNames,
                object::mapDefinitions,
                object::btf,
                () -> btf.struct("flow_key"),
                () -> btf.sectionVariables(".rodata"),
                () -> object.setConstant("drop_port", new byte[2]),
                () -> object.setMaxEntries("flows", 8),
                object::load,
                () -> object.map("flows"),
                () -> object.program("count_packets"));
        for (Executable use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertTrue(e.getMessage().contains("BPF object 'probe' is closed"), e.getMessage());
        }
    }

    @Test
    void handlesOfAClosedObjectRefuseToWork() {
        BpfMap flows;
        BpfProgram program;
        try (BpfObject object = ObjectTest.probe()) {
            object.load();
            flows = object.map("flows");
            program = object.program("count_packets");
            assertTrue(flows.isEmpty());
        }
        // The object closed the descriptors; a new map may now hold the same number.
        try (BpfMap other = BpfMap.create(MapType.HASH, "other", 16, 8, 4, 0)) {
            other.update(new byte[16], Codec.U64.toBytes(1L));
            List<Executable> uses = List.of(
                    () -> flows.lookup(new byte[16]),
                    () -> flows.update(new byte[16], new byte[8]),
                    () -> flows.delete(new byte[16]),
                    flows::keys,
                    () -> flows.lookupBatches(16, batch -> {}),
                    () -> flows.lookupAndDeleteBatches(16, batch -> {}),
                    () -> flows.deleteBatch(List.of(new byte[16])),
                    () -> flows.deleteBatch(List.of()),
                    () -> flows.updateBatch(List.of(), List.of(), BpfMap.ANY),
                    flows::isEmpty,
                    flows::fd,
                    () -> program.testRun(Packets.udp("10.0.0.1", 1, "10.0.0.2", 2, new byte[8])),
                    program::fd);
            for (Executable use : uses) {
                IllegalStateException e = assertThrows(IllegalStateException.class, use);
                assertTrue(e.getMessage().contains("BPF object 'probe' is closed"), e.getMessage());
            }
            assertEquals(1, other.keys().size(), "the map that may have the old number is untouched");
        }
    }

    @Test
    void aClosedMapHandleRefusesToWork() {
        BpfMap map = BpfMap.create(MapType.ARRAY, "closed", 4, 8, 1, 0);
        map.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> map.lookup(new byte[4]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
