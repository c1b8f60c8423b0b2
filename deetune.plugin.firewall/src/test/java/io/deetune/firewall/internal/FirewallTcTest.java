package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.firewall.Action;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tc-ingress object (firewall_tc.bpf.c) runs the same decision as the XDP one (firewall_stage.h); these
 * BPF_PROG_TEST_RUN checks make sure its entry program wires it up: verdicts, counters, blocklist, malformed frames.
 * FirewallBpfTest covers the decision itself in full through the XDP object.
 */
class FirewallTcTest {


    private LoadedStage stage;

    @BeforeEach
    void load() {
        stage = new LoadedStage(FirewallStage.TC_OBJECT);
    }

    @AfterEach
    void close() {
        stage.close();
    }

    @Test
    void rulesBlocklistAndMalformedFramesGiveTcVerdicts() {
        byte[] ssh = Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 22, Packets.TCP_SYN, new byte[0]);
        byte[] dns6 = Packets.udp("2001:db8::10", 40000, "2001:db8::20", 53, new byte[8]);
        stage.install("deny proto tcp dport 22 src 192.0.2.0/24\nallow proto udp dport 53", Action.DENY);

        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(ssh), "denied by the first rule");
        assertEquals(TestRunResult.TC_ACT_UNSPEC, stage.verdict(dns6), "allowed: continues (end of an empty chain)");
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(Packets.udp("2001:db8::10", 40000, "2001:db8::20", 54, new byte[8])),
                "default policy");
        assertEquals(1, stage.tables.counters().getFirst().packets());
        assertEquals(ssh.length, stage.tables.counters().getFirst().bytes(), "bytes: the skb's length");

        stage.install("", Action.ALLOW);
        stage.blocklist.block(Cidr.parse("2001:db8::/64"), null);
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(dns6), "blocklisted source");
        assertEquals(TestRunResult.TC_ACT_UNSPEC, stage.verdict(ssh));
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(Arrays.copyOf(ssh, 14 + 20 + 10)), "TCP header cut: malformed");
        byte[] arp = Arrays.copyOf(ssh, 60);
        Packets.putShort(arp, 12, 0x0806);
        assertEquals(TestRunResult.TC_ACT_UNSPEC, stage.verdict(arp), "not IP: not judged");
        assertArrayEquals(new long[] {1, 1}, new long[] {stage.tables.drops(FirewallConsts.DROP_MALFORMED),
                stage.tables.drops(FirewallConsts.DROP_BLOCKED)});
    }

    @Test
    void tinyFragmentsLongExtensionChainsAndIpLengthCutsAreDroppedAtTc() {
        stage.install("deny proto tcp dport 22 flags syn/syn,ack", Action.ALLOW);
        byte[][] fragments = Frames.tinyFragmentedSyn("192.0.2.10", 40000, "198.51.100.20", 22);
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(fragments[0]), "tiny first fragment");
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(fragments[1]), "TCP fragment at offset 8");
        byte[] ssh6 = Packets.tcp("2001:db8::10", 40000, "2001:db8::20", 22, Packets.TCP_SYN, new byte[0]);
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(FirewallBpfTest.withIpv6Extensions(ssh6, 0, 60, 60, 60, 60)),
                "a chain longer than the walker follows");
        byte[] udp = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 53, new byte[0]);
        assertEquals(TestRunResult.TC_ACT_SHOT, stage.verdict(Packets.padded(Packets.withIpLength(udp, 20 + 4), 60)),
                "UDP header past the IP length");
        assertEquals(TestRunResult.TC_ACT_UNSPEC, stage.verdict(Packets.padded(udp, 60)), "a padded whole datagram");
        assertArrayEquals(new long[] {2, 2}, new long[] {stage.tables.drops(FirewallConsts.DROP_MALFORMED),
                stage.tables.drops(FirewallConsts.DROP_TINY_FRAGMENT)});
    }
}
