package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.TestPins;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Opening, preparing and loading real objects; the verifier's verdict; BTF. */
class ObjectTest {

    static BpfObject probe() {
        return BpfObject.open(ObjectTest.class, "bpf/probe.bpf.o");
    }

    @Test
    void opensAndLoadsFromBytes() {
        try (BpfObject object = probe()) {
            assertEquals("probe", object.name());
            assertTrue(object.programNames().containsAll(java.util.List.of("count_packets", "rewrite_bounce", "emit_event", "tc_count")));
            MapDefinition flows = object.mapDefinitions().get("flows");
            assertEquals(new MapDefinition("flows", MapType.HASH, 16, 8, 1024, 0), flows);
            object.load();
            BpfProgram program = object.program("count_packets");
            assertEquals(BpfProgram.TYPE_XDP, program.type());
            assertTrue(program.id() > 0);
            assertEquals(BpfProgram.TYPE_SCHED_CLS, object.program("tc_count").type());
            assertEquals(MapType.RINGBUF, object.map("events").type());
        }
    }

    @Test
    void constantsAreSetBeforeLoad() {
        try (BpfObject object = probe()) {
            object.setConstant("drop_port", new byte[] {(byte) 0x39, 0x05}); // 1337, little endian
            object.load();
            BpfProgram program = object.program("count_packets");
            assertEquals(TestRunResult.XDP_DROP, program.testRun(Packets.udp("10.0.0.1", 5000, "10.0.0.2", 1337, new byte[8])).retval());
            assertEquals(TestRunResult.XDP_PASS, program.testRun(Packets.udp("10.0.0.1", 5000, "10.0.0.2", 1338, new byte[8])).retval());
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> object.setConstant("drop_port", 1));
            assertTrue(late.getMessage().contains("already loaded"));
        }
    }

    @Test
    void badConstantsAreRejected() {
        try (BpfObject object = probe()) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> object.setConstant("no_such", 1));
            assertTrue(unknown.getMessage().contains("no .rodata variable 'no_such'"), unknown.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> object.setConstant("drop_port", 1));
            assertTrue(size.getMessage().contains("has 2 bytes, the value has 4"), size.getMessage());
        }
    }

    @Test
    void verifierRejectionCarriesTheVerifierLog() {
        try (BpfObject object = BpfObject.open(ObjectTest.class, "bpf/invalid.bpf.o")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertEquals("bpf_object__load", e.call());
            assertEquals(13, e.errno()); // EACCES: the verifier said no
            assertTrue(e.log().stream().anyMatch(line -> line.contains("invalid access to packet")), e.getMessage());
            assertTrue(e.getMessage().contains("invalid access to packet"));
        }
    }

    /**
     * The verifier's reason is in the last lines of its log: a log of megabytes (a long walk rejected at its end)
     * still brings that line, in the exception and in its message, which stays short.
     */
    @Test
    void aLongVerifierLogKeepsItsTail() {
        try (BpfObject object = BpfObject.open(ObjectTest.class, "bpf/long_log.bpf.o")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertEquals(13, e.errno(), e.getMessage()); // EACCES: the verifier said no
            assertTrue(e.log().stream().anyMatch(line -> line.contains("invalid access to packet")), String.join("\n", e.log().subList(Math.max(0, e.log().size() - 20), e.log().size())));
            assertTrue(e.getMessage().contains("invalid access to packet"));
            assertTrue(e.getMessage().contains("long_walk"), "names the program");
            assertTrue(e.getMessage().length() < 64 * 1024, "message of " + e.getMessage().length() + " characters");
        }
    }

    /** A log longer than its buffer: the kernel keeps the end (and reports ENOSPC for the cut log). */
    @Test
    void aLogLongerThanItsBufferKeepsItsEnd() {
        try (BpfObject object = BpfObject.open(ObjectTest.class, "bpf/longer_log.bpf.o")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().contains("invalid access to packet"), e.getMessage());
            assertTrue(e.getMessage().contains("ENOSPC for the cut log"), e.getMessage());
        }
    }

    @Test
    void missingObjectsAndNamesAreClearErrors() {
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class, () -> BpfObject.open(Path.of("/nonexistent/x.bpf.o")));
        assertTrue(file.getMessage().contains("BPF object file not found: /nonexistent/x.bpf.o"));
        IllegalArgumentException resource = assertThrows(IllegalArgumentException.class, () -> BpfObject.open(ObjectTest.class, "bpf/none.bpf.o"));
        assertTrue(resource.getMessage().contains("'bpf/none.bpf.o' not found"));
        BpfException garbage = assertThrows(BpfException.class, () -> BpfObject.open(new byte[] {1, 2, 3, 4}, "garbage"));
        assertTrue(garbage.getMessage().contains("open BPF object 'garbage'"), garbage.getMessage());
        try (BpfObject object = probe()) {
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> object.map("flows"));
            assertTrue(early.getMessage().contains("not loaded"));
            object.load();
            IllegalArgumentException map = assertThrows(IllegalArgumentException.class, () -> object.map("nope"));
            assertTrue(map.getMessage().contains("has no map 'nope'"), map.getMessage());
            IllegalArgumentException prog = assertThrows(IllegalArgumentException.class, () -> object.program("nope"));
            assertTrue(prog.getMessage().contains("has no program 'nope'"));
        }
    }

    @Test
    void btfDescribesSharedStructs() {
        try (BpfObject object = probe()) {
            Btf.StructLayout key = object.btf().struct("flow_key").orElseThrow();
            assertEquals(16, key.size());
            assertEquals(Map.of("saddr", 0, "daddr", 4, "sport", 8, "dport", 10, "proto", 12, "pad", 13), key.offsets());
            assertTrue(object.btf().sectionVariables(".rodata").containsKey("event_tag"));
        }
    }

    @Test
    void pinnedMapsAreReusedOnReload() throws Exception {
        try (TestPins pins = TestPins.create("obj")) {
            Path pin = pins.resolve("flows");
            byte[] key = new byte[16];
            key[12] = 17;
            try (BpfObject first = probe()) {
                first.setPinPath("flows", pin).load();
                first.map("flows").update(key, Codec.U64.toBytes(5L));
            }
            try (BpfObject second = probe(); BpfMap pinned = BpfMap.openPinned(pin)) {
                second.reuseMap("flows", pinned).load();
                assertEquals(5L, Codec.U64.fromBytes(second.map("flows").lookup(key).orElseThrow()));
                assertEquals(pinned.id(), second.map("flows").id());
            }
        }
    }
}
