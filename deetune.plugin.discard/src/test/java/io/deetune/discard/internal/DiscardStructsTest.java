package io.deetune.discard.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.Btf;
import io.deetune.bpf.Codec;
import io.deetune.bpf.MapDefinition;
import io.deetune.bpf.MapType;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java mirrors of discard_structs.h and discard_consts.h (one codec per struct) against both objects' BTF. */
class DiscardStructsTest {

    private static void assertLayout(Btf btf, String struct, Codec<?> codec, Map<String, Integer> offsets) {
        Btf.StructLayout layout = btf.struct(struct).orElseThrow(() -> new AssertionError("no struct " + struct + " in BTF"));
        assertEquals(codec.size(), layout.size(), struct + " size");
        assertEquals(offsets, layout.offsets(), struct + " members");
    }

    @Test
    void codecsAndTheMapMatchBothStageObjects() {
        for (String resource : List.of(DiscardStage.OBJECT, DiscardStage.TC_OBJECT)) {
            try (BpfObject object = BpfObject.open(DiscardStructsTest.class, resource)) {
                Btf btf = object.btf();
                assertLayout(btf, "discard_port_key", PortKey.CODEC, Map.of("port", 0, "proto", 2, "pad", 3));
                assertLayout(btf, "discard_hits", PortCounter.CODEC, Map.of("packets", 0, "bytes", 8));
                MapDefinition ports = object.mapDefinitions().get(DiscardStage.MAP);
                assertEquals(MapType.PERCPU_HASH, ports.type(), resource);
                assertEquals(List.of(PortKey.CODEC.size(), PortCounter.CODEC.size(), PortTable.MAX_PORTS),
                        List.of(ports.keySize(), ports.valueSize(), ports.maxEntries()), resource + ": key size, value size, DISCARD_MAX_PORTS");
            }
        }
    }

    @Test
    void theKeyHoldsThePortInNetworkOrderAndTheProtocolNumber() {
        assertArrayEquals(new byte[] {0x1b, 0x59, 6, 0}, PortKey.CODEC.toBytes(new PortKey(new DiscardPort(Protocol.TCP, 7001))));
        assertArrayEquals(new byte[] {0, 9, 17, 0}, PortKey.CODEC.toBytes(new PortKey(new DiscardPort(Protocol.UDP, 9))));
        PortKey key = new PortKey(new DiscardPort(Protocol.UDP, 65535));
        assertEquals(key, PortKey.CODEC.fromBytes(PortKey.CODEC.toBytes(key)));
        PortCounter counter = new PortCounter(3, 180);
        assertEquals(counter, PortCounter.CODEC.fromBytes(PortCounter.CODEC.toBytes(counter)));
    }
}
