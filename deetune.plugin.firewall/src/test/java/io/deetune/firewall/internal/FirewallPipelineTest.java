package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.Hook;
import io.deetune.core.internal.CoreHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The firewall stage in a real pipeline of the core: its pinned state maps (map-in-map rule tables included), the
 * tail-call chain, real traffic, and an in-place replacement of the stage that keeps its state, driven through
 * the core's test harness as Declarative Services drives the core in Karaf.
 */
class FirewallPipelineTest {

    private NetLab lab;
    private NetLab.Pair hosts;
    private TestPins pins;
    private CoreHarness core;

    @BeforeEach
    void setUp() {
        lab = new NetLab();
        hosts = lab.pair("10.212.0");
        pins = TestPins.create("firewall");
        core = new CoreHarness(pins.dir(), 100);
        core.pipeline("fw", "native", hosts.server() + ":veth-s");
    }

    @AfterEach
    void tearDown() {
        core.close();
        lab.close();
        pins.close();
    }

    private static FirewallStage firewall() {
        return firewall("xdp");
    }

    private static FirewallStage firewall(String hook) {
        return new FirewallStage(FirewallConfigs.of(null, "allow", hook));
    }

    private int delivered(int port, int count) throws InterruptedException {
        try (var receiver = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), port);
             var marker = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), 7399)) {
            // A first marker resolves the neighbour, so the batch is not queued behind ARP.
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), 7399, 1, 0);
            assertEquals(1, marker.awaitCount(1, 5000), "the first marker datagram must pass: " + counters());
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), port, count, 0);
            // Sent last on an allowed port: once it is in, everything sent before it has been judged.
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), 7399, 1, 0);
            assertEquals(2, marker.awaitCount(2, 5000), "the last marker datagram must pass");
            return receiver.awaitCount(count, 200);
        }
    }

    private FirewallStage current;

    /** Datagrams that arrive from a blocked source: sends, then waits until the stage counted every drop. */
    private int deliveredWhileBlocked(FirewallStage firewall, int port, int count) throws InterruptedException {
        long before = firewall.drops()[1];
        try (var receiver = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), port)) {
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), port, count, 0);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (firewall.drops()[1] - before < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(count, firewall.drops()[1] - before, "blocklist drops");
            return receiver.received();
        }
    }

    private String counters() {
        return current == null ? "" : current.ruleSet().rules() + " hits " + current.counters() + " drops "
                + java.util.Arrays.toString(current.drops());
    }

    @Test
    void firewallJudgesTrafficInAPipelineAndItsStateSurvivesAReplacement() throws Exception {
        FirewallStage first = firewall();
        FirewallStage second = firewall();
        current = first;
        try {
            first.addRule("deny proto udp dport 7301");
            core.stageAdded("firewall", 200, first);
            assertTrue(core.get("fw").orElseThrow().toString().contains("firewall"), core.get("fw").toString());
            assertEquals(0, delivered(7301, 100), "denied by the rule");
            assertEquals(100, delivered(7302, 100), "allowed: continues the chain to the kernel");

            first.block(hosts.clientAddress() + "/32");
            assertEquals(0, deliveredWhileBlocked(first, 7302, 50), "blocked source");
            first.unblock(hosts.clientAddress() + "/32");
            first.block("10.212.0.0/30");

            // An update of the bundle: the old service leaves, a new one of the same name comes within the grace.
            core.stageRemoved("firewall", 200, first, false);
            core.stageAdded("firewall", 200, second);
            current = second;
            assertEquals(1, second.entries().size(), "the pinned blocklist is the new instance's: " + second.entries());
            assertEquals(0, deliveredWhileBlocked(second, 7302, 50), "and it still blocks");
            second.unblock("10.212.0.0/30");
            assertEquals(50, delivered(7302, 50));
            assertEquals(50, delivered(7301, 50), "the new instance's rule set (none) is in force");
        } finally {
            first.deactivate();
            second.deactivate();
        }
    }

    @Test
    void atTcIngressTheSameStageJudgesTheSameTraffic() throws Exception {
        core.pipeline("fwtc", Hook.TC_INGRESS, hosts.server() + ":veth-s");
        FirewallStage firewall = firewall("tc-ingress");
        current = firewall;
        try {
            firewall.addRule("deny proto udp dport 7301");
            core.stageAdded("firewall", 200, Hook.TC_INGRESS, firewall);
            assertTrue(core.get("fwtc").orElseThrow().chain().stream().anyMatch(s -> s.name().equals("firewall")),
                    core.get("fwtc").toString());
            assertEquals(0, delivered(7301, 100), "denied by the rule at tc ingress");
            assertEquals(100, delivered(7302, 100), "allowed: continues to the kernel");
            assertEquals(100, firewall.counters().getFirst().packets(), "the rule counted its hits: " + counters());
            firewall.block(hosts.clientAddress() + "/32");
            assertEquals(0, deliveredWhileBlocked(firewall, 7302, 50), "blocked source");
        } finally {
            firewall.deactivate();
        }
    }
}
