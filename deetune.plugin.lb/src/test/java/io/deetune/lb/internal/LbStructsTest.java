package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.Btf;
import io.deetune.bpf.MapDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java mirrors of lb_structs.h and lb_consts.h against the compiled object's BTF and map definitions. */
class LbStructsTest {

    private static void assertLayout(Btf btf, String struct, int size, Map<String, Integer> offsets) {
        Btf.StructLayout layout = btf.struct(struct).orElseThrow(() -> new AssertionError("no struct " + struct + " in BTF"));
        assertEquals(size, layout.size(), struct + " size");
        offsets.forEach((member, offset) -> assertEquals(offset, layout.offsets().get(member), struct + "." + member));
    }

    @Test
    void codecsMatchTheCStructs() {
        try (BpfObject object = LbObjects.open()) {
            Btf btf = object.btf();
            assertLayout(btf, "lb_vip_key", VipKey.CODEC.size(), Map.of("addr", 0, "port", 16, "proto", 18, "family", 19));
            assertLayout(btf, "lb_service", ServiceEntry.CODEC.size(), Map.of("id", 0, "algorithm", 4, "ring_len", 8, "flags", 12, "snat", 16));
            assertLayout(btf, "lb_backend", BackendEntry.CODEC.size(), Map.of("addr", 0, "port", 16, "family", 18, "flags", 19, "weight", 20));
            assertLayout(btf, "lb_flow_key", FlowKey.CODEC.size(),
                    Map.of("src", 0, "dst", 16, "sport", 32, "dport", 34, "proto", 36, "family", 37));
            assertLayout(btf, "lb_flow", FlowEntry.CODEC.size(),
                    Map.of("created_ns", 0, "last_seen_ns", 8, "backend_id", 16, "service_id", 20, "flags", 24, "snat_port", 28));
            assertLayout(btf, "lb_reply", ReplyEntry.IPV4.size(), Map.of("vip", 0, "client", 16, "vip_port", 32, "client_port", 34, "backend_id", 36, "last_seen_ns", 40));
            assertLayout(btf, "lb_stats", Stats.CODEC.size(), Map.of("packets", 0, "bytes", 8, "new_flows", 16));
        }
    }

    /**
     * struct lb_flow.flags is changed by the CPUs of both directions of a flow: only by atomic OR (BPF_STX | BPF_ATOMIC
     * | BPF_W with imm BPF_OR | BPF_FETCH, at offset 24), never by a read-modify-write that could lose a FIN.
     */
    @Test
    void flowFlagsChangeByAtomicOr() {
        for (io.deetune.core.api.Hook hook : List.of(io.deetune.core.api.Hook.XDP, io.deetune.core.api.Hook.TC_INGRESS)) {
            byte[] elf = io.deetune.core.api.Stage.bundleResource(LbStage.class, LbStage.objectPath(hook));
            int atomicOrs = 0;
            for (int i = 0; i + 8 <= elf.length; i++) {
                if ((elf[i] & 0xff) == 0xc3 && elf[i + 2] == 24 && elf[i + 3] == 0
                        && (elf[i + 4] & 0xff) == 0x41 && elf[i + 5] == 0 && elf[i + 6] == 0 && elf[i + 7] == 0) {
                    atomicOrs++;
                }
            }
            assertTrue(atomicOrs >= 3, LbStage.objectPath(hook) + ": " + atomicOrs + " atomic ORs of a flow's flags");
        }
    }

    @Test
    void limitsMatchTheMaps() {
        try (BpfObject object = LbObjects.open()) {
            Map<String, MapDefinition> maps = object.mapDefinitions();
            assertEquals(LbLimits.MAX_SERVICES, maps.get("lb_services").maxEntries());
            assertEquals(LbLimits.MAX_BACKENDS, maps.get("lb_backends").maxEntries());
            assertEquals(LbLimits.MAX_SERVICES * LbLimits.RING_SIZE, maps.get("lb_rings").maxEntries());
            assertEquals(List.of("lb_xdp"), object.programNames());
        }
    }
}
