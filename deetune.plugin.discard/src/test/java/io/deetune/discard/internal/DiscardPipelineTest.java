package io.deetune.discard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.Hook;
import io.deetune.core.internal.CoreHarness;
import io.deetune.discard.PortHits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real traffic between two lab namespaces through the discard stage in a real pipeline of the core (attached to the
 * server's veth), at XDP and at tc ingress: datagrams and connections to a discarded port never arrive, the rest do,
 * and the pinned counters survive a replacement of the stage (a bundle update).
 */
class DiscardPipelineTest {

    private static final int OPEN_UDP = 7000;
    private static final int DISCARDED_TCP = 7001;
    private static final int OPEN_TCP = 7002;

    private NetLab lab;
    private NetLab.Pair hosts;
    private TestPins pins;
    private CoreHarness core;

    @BeforeEach
    void setUp() {
        lab = new NetLab();
        hosts = lab.pair("10.213.0");
        pins = TestPins.create("discard");
        core = new CoreHarness(pins.dir(), 100);
    }

    @AfterEach
    void tearDown() {
        core.close();
        lab.close();
        pins.close();
    }

    private static DiscardStage discard(String hook) {
        return new DiscardStage(DiscardConfigs.of("udp/9, tcp/" + DISCARDED_TCP, hook));
    }

    /** Sends {@code count} datagrams to the discard port, then as many to an open one; returns how many of each arrived. */
    private int[] udpDelivered(int count) throws InterruptedException {
        try (var discarded = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), 9);
             var open = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), OPEN_UDP)) {
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), 9, count, 0);
            UdpTraffic.send(hosts.client(), hosts.serverAddress(), OPEN_UDP, count, 0);
            int arrived = open.awaitCount(count, 5000);
            // The open port's datagrams were sent last and have all arrived: none to port 9 is still on its way.
            return new int[] {discarded.received(), arrived};
        }
    }

    /** Whether a TCP connection from the client to {@code port} on the server opens within a second. */
    private boolean connects(int port) {
        return NetNs.get(hosts.client(), () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(hosts.serverAddress(), port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private ServerSocket listen(int port) {
        return NetNs.get(hosts.server(), () -> {
            try {
                return new ServerSocket(port, 16, InetAddress.ofLiteral(hosts.serverAddress()));
            } catch (IOException e) {
                throw new UncheckedIOException("listening on port " + port, e);
            }
        });
    }

    private void dropsAndPasses(DiscardStage discard) throws Exception {
        assertEquals(List.of(0, 200), toList(udpDelivered(200)), "to udp/9: none; to udp/" + OPEN_UDP + ": all");
        try (ServerSocket discarded = listen(DISCARDED_TCP); ServerSocket open = listen(OPEN_TCP)) {
            assertTrue(connects(OPEN_TCP), "a connection to an open port opens");
            assertFalse(connects(DISCARDED_TCP), "the SYN to tcp/" + DISCARDED_TCP + " never reaches the listener");
        }
        List<PortHits> hits = discard.hits().orElseThrow();
        assertEquals(200, hits.get(0).packets(), "udp/9: every datagram counted: " + hits);
        assertTrue(hits.get(1).packets() >= 1, "tcp/" + DISCARDED_TCP + ": the SYN (and its retransmissions): " + hits);
    }

    private static List<Integer> toList(int[] values) {
        return List.of(values[0], values[1]);
    }

    @Test
    void atXdpDiscardedPortsNeverArriveAndTheCountersSurviveAnUpdate() throws Exception {
        core.pipeline("dc", "native", hosts.server() + ":veth-s");
        DiscardStage first = discard("xdp");
        core.stageAdded("discard", 150, first);
        assertTrue(core.get("dc").orElseThrow().chain().stream().anyMatch(s -> s.name().equals("discard")), core.get("dc").toString());
        dropsAndPasses(first);

        // A bundle update: the old service leaves, a new one of the same name comes within the grace time.
        DiscardStage second = discard("xdp");
        core.stageRemoved("discard", 150, first, false);
        core.stageAdded("discard", 150, second);
        assertEquals(200, second.hits().orElseThrow().getFirst().packets(), "the pinned map, and its counters, are the new instance's");
        assertEquals(List.of(0, 50), toList(udpDelivered(50)));
        assertEquals(250, second.hits().orElseThrow().getFirst().packets());
    }

    @Test
    void atTcIngressTheSameStageDiscardsTheSameTraffic() throws Exception {
        core.pipeline("dctc", Hook.TC_INGRESS, hosts.server() + ":veth-s");
        DiscardStage discard = discard("tc-ingress");
        core.stageAdded("discard", 150, Hook.TC_INGRESS, discard);
        assertTrue(core.get("dctc").orElseThrow().chain().stream().anyMatch(s -> s.name().equals("discard")), core.get("dctc").toString());
        dropsAndPasses(discard);
    }
}
