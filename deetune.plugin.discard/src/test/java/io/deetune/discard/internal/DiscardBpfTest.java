package io.deetune.discard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.PortHits;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both stage objects (XDP and tc ingress), verified and run by the kernel (BPF_PROG_TEST_RUN) over crafted frames,
 * their map written by {@link PortTable} as the stage component writes it.
 */
class DiscardBpfTest {

    /** The verdicts of one object: what a dropped and a continued packet return there. */
    private record Verdicts(int drop, int next) {}

    private static Verdicts verdicts(String resource) {
        return resource.equals(DiscardStage.TC_OBJECT)
                ? new Verdicts(TestRunResult.TC_ACT_SHOT, TestRunResult.TC_ACT_UNSPEC)
                : new Verdicts(TestRunResult.XDP_DROP, TestRunResult.XDP_PASS);
    }

    private static List<DiscardPort> ports(String text) {
        return PortsSetting.parse(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {DiscardStage.OBJECT, DiscardStage.TC_OBJECT})
    void packetsToADiscardedPortOfTheirProtocolAreDroppedAndCountedOthersContinue(String resource) {
        Verdicts v = verdicts(resource);
        try (LoadedStage stage = new LoadedStage(resource)) {
            PortTable table = new PortTable(stage.maps.map(DiscardStage.MAP));
            List<DiscardPort> ports = ports("udp/9, tcp/7001");
            table.write(ports);
            byte[] udp9 = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 9, new byte[20]);
            byte[] udp9v6 = Packets.udp("2001:db8::10", 40000, "2001:db8::20", 9, new byte[8]);
            byte[] tcp7001 = Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 7001, Packets.TCP_SYN, new byte[0]);

            assertEquals(v.drop(), stage.verdict(udp9));
            assertEquals(v.drop(), stage.verdict(udp9v6), "IPv6 too");
            assertEquals(v.drop(), stage.verdict(tcp7001));
            assertEquals(v.next(), stage.verdict(Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 9, Packets.TCP_SYN, new byte[0])),
                    "tcp/9 is not configured: only udp/9");
            assertEquals(v.next(), stage.verdict(Packets.udp("192.0.2.10", 40000, "198.51.100.20", 7001, new byte[8])),
                    "udp/7001 is not configured: only tcp/7001");
            assertEquals(v.next(), stage.verdict(Packets.udp("192.0.2.10", 9, "198.51.100.20", 53, new byte[8])),
                    "the source port does not count");
            assertEquals(v.next(), stage.verdict(Packets.icmpEcho("192.0.2.10", "198.51.100.20")));

            assertEquals(List.of(new PortHits(ports.get(0), 2, udp9.length + udp9v6.length), new PortHits(ports.get(1), 1, tcp7001.length)),
                    table.hits(ports));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {DiscardStage.OBJECT, DiscardStage.TC_OBJECT})
    void whatTheStageCannotNameContinuesTheChain(String resource) {
        Verdicts v = verdicts(resource);
        try (LoadedStage stage = new LoadedStage(resource)) {
            PortTable table = new PortTable(stage.maps.map(DiscardStage.MAP));
            table.write(ports("udp/9"));
            byte[] udp9 = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 9, new byte[20]);

            byte[] firstFragment = udp9.clone();
            Packets.putShort(firstFragment, 14 + 6, 0x2000); // more fragments, offset 0: the ports are there
            assertEquals(v.drop(), stage.verdict(firstFragment), "a first fragment carries the port");
            byte[] laterFragment = udp9.clone();
            Packets.putShort(laterFragment, 14 + 6, 0x0003); // offset 24 bytes: no UDP header
            assertEquals(v.next(), stage.verdict(laterFragment), "a later fragment has no port to read");

            byte[] udp9v6 = Packets.udp("2001:db8::10", 40000, "2001:db8::20", 9, new byte[8]);
            assertEquals(v.drop(), stage.verdict(Packets.withIpv6Extension(udp9v6, 60, 0, false)), "past a destination options header");
            assertEquals(v.drop(), stage.verdict(Packets.withIpv6Extension(udp9v6, 44, 0, true)), "an IPv6 first fragment");
            assertEquals(v.next(), stage.verdict(Packets.withIpv6Extension(udp9v6, 44, 3, false)), "an IPv6 later fragment");

            assertEquals(v.next(), stage.verdict(Packets.padded(Packets.withIpLength(udp9, 20 + 4), 60)),
                    "a UDP header past the IP length: not named, the firewall judges it");
            byte[] arp = Arrays.copyOf(udp9, 60);
            Packets.putShort(arp, 12, 0x0806);
            assertEquals(v.next(), stage.verdict(arp), "not IP");
            assertEquals(3, table.hits(ports("udp/9")).getFirst().packets());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {DiscardStage.OBJECT, DiscardStage.TC_OBJECT})
    void rewritingThePortsKeepsTheCountersOfPortsThatStay(String resource) {
        Verdicts v = verdicts(resource);
        try (LoadedStage stage = new LoadedStage(resource)) {
            PortTable table = new PortTable(stage.maps.map(DiscardStage.MAP));
            table.write(ports("udp/9, udp/19"));
            stage.send(Packets.udp("192.0.2.10", 40000, "198.51.100.20", 9, new byte[8]), 3);
            stage.send(Packets.udp("192.0.2.10", 40000, "198.51.100.20", 19, new byte[8]), 2);

            table.write(ports("udp/9, tcp/9"));
            assertEquals(v.next(), stage.verdict(Packets.udp("192.0.2.10", 40000, "198.51.100.20", 19, new byte[8])), "udp/19 left");
            assertEquals(v.drop(), stage.verdict(Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 9, Packets.TCP_SYN, new byte[0])));
            assertEquals(List.of(3L, 1L, 0L), table.hits(ports("udp/9, tcp/9, udp/19")).stream().map(PortHits::packets).toList(),
                    "udp/9 kept its counters; a port no longer in the map reads as zero");
            assertEquals(2, stage.maps.map(DiscardStage.MAP).keys().size());
        }
    }
}
