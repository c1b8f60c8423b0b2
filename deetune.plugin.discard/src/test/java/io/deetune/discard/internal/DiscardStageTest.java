package io.deetune.discard.internal;

import static io.deetune.bpf.TestRunResult.XDP_DROP;
import static io.deetune.bpf.TestRunResult.XDP_PASS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.Stage;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.PortHits;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The stage component with its real object: configuration, live changes, refused values, the hook's object. */
class DiscardStageTest {

    static final byte[] UDP9 = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 9, new byte[8]);
    static final byte[] SSH = Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 22, Packets.TCP_SYN, new byte[0]);

    private static DiscardStage stage(String ports) {
        return new DiscardStage(DiscardConfigs.of(ports, "xdp"));
    }

    @Test
    void portsConfiguredBeforeTheLoadAreInTheMapBeforeTheFirstPacketAndChangesApplyAtOnce() {
        DiscardStage discard = new DiscardStage(DiscardConfigs.defaults());
        assertEquals(List.of(DiscardPort.parse("udp/9")), discard.ports(), "the default: the discard service");
        assertEquals(Optional.empty(), discard.hits(), "no map to count in yet");
        try (LoadedStage stage = new LoadedStage()) {
            discard.loaded(stage.maps);
            assertEquals(XDP_DROP, stage.verdict(UDP9));
            assertEquals(XDP_PASS, stage.verdict(SSH));

            discard.modified(DiscardConfigs.of("udp/9, TCP/22", "xdp"));
            assertEquals(XDP_DROP, stage.verdict(SSH), "applied at once");
            assertEquals(XDP_DROP, stage.verdict(UDP9));
            assertEquals(List.of(new PortHits(DiscardPort.parse("udp/9"), 2, 2L * UDP9.length),
                    new PortHits(DiscardPort.parse("tcp/22"), 1, SSH.length)), discard.hits().orElseThrow());

            discard.modified(DiscardConfigs.of("", "xdp"));
            assertEquals(XDP_PASS, stage.verdict(UDP9), "empty: no port");
            assertEquals(List.of(), discard.hits().orElseThrow());
            discard.unloading(stage.maps);
            assertEquals(Optional.empty(), discard.hits());
        }
    }

    @Test
    void aBadEntryRefusesTheWholeValueNamingFieldAndValueAndThePortsInForceStay() {
        DiscardStage discard = stage("udp/9");
        try (LoadedStage stage = new LoadedStage()) {
            discard.loaded(stage.maps);
            assertRefused(discard, "tcp/22, udp/70000", "io.deetune.discard: ports: 'udp/70000': port 70000 is outside 1..65535");
            assertRefused(discard, "tcp/22, icmp/1", "io.deetune.discard: ports: 'icmp/1': protocol 'icmp' is neither tcp nor udp");
            assertRefused(discard, "tcp/ssh", "io.deetune.discard: ports: 'tcp/ssh': 'ssh' is not a port number");
            assertRefused(discard, "tcp 22", "io.deetune.discard: ports: 'tcp 22' is not <tcp|udp>/<port>");
            assertRefused(discard, "tcp/22\nudp/7", "io.deetune.discard: ports: 'tcp/22\\nudp/7': '22\\nudp/7' is not a port number");
            String tooMany = IntStream.rangeClosed(1, PortTable.MAX_PORTS + 1).mapToObj(p -> "udp/" + p).collect(Collectors.joining(","));
            assertRefused(discard, tooMany, "io.deetune.discard: ports: 257 ports given, the stage holds at most 256");
            assertEquals(XDP_PASS, stage.verdict(SSH), "nothing of a refused value reached the map");
            assertEquals(XDP_DROP, stage.verdict(UDP9));

            discard.modified(DiscardConfigs.of("udp/9, udp/9, tcp/22", "xdp"));
            assertEquals(Optional.empty(), discard.problem(), "a good value clears the problem");
            assertEquals(List.of(DiscardPort.parse("udp/9"), DiscardPort.parse("tcp/22")), discard.ports(), "each port once");
            discard.unloading(stage.maps);
        }
    }

    private static void assertRefused(DiscardStage discard, String ports, String problem) {
        List<DiscardPort> before = discard.ports();
        discard.modified(DiscardConfigs.of(ports, "xdp"));
        assertEquals(Optional.of(problem), discard.problem());
        assertEquals(before, discard.ports(), "the ports in force stay");
    }

    @Test
    void theHookChoosesTheObjectAndTheProgramNameIsTheSame() {
        DiscardStage discard = new DiscardStage(DiscardConfigs.of("udp/9", "tc-ingress"));
        assertArrayEquals(Stage.bundleResource(DiscardStage.class, DiscardStage.TC_OBJECT), discard.object());
        discard.modified(DiscardConfigs.of("udp/9", " xdp "));
        assertArrayEquals(Stage.bundleResource(DiscardStage.class, DiscardStage.OBJECT), discard.object());
        discard.modified(DiscardConfigs.of("udp/70000", "tc-ingress"));
        assertArrayEquals(Stage.bundleResource(DiscardStage.class, DiscardStage.TC_OBJECT), discard.object(),
                "the hook follows the configuration even when its ports are refused");
        assertEquals("discard", discard.program());
        assertTrue(discard.problem().isPresent());
    }
}
