package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_FIN;
import static io.deetune.bpf.testing.Packets.TCP_SYN;
import static io.deetune.lb.internal.LbDataPlaneTest.BACKENDS;
import static io.deetune.lb.internal.LbDataPlaneTest.CLIENT;
import static io.deetune.lb.internal.LbDataPlaneTest.VIP;
import static io.deetune.lb.internal.LbDataPlaneTest.ip;
import static io.deetune.lb.internal.LbDataPlaneTest.service;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection tables under the conditions a code review found them weak in: a SYN flood from spoofed sources
 * (half-open flows), one side of a flow evicted alone, two services sharing a backend, SNAT ports held by SYNs nobody
 * completes. Small tables (1,024 flows, 1,024 half-open) make the LRU's pressure visible with few packets.
 */
class LbFlowTablesTest {

    private static final int TABLE = 1024;

    private BpfObject object;
    private BpfProgram program;
    private LbEngine engine;

    @BeforeEach
    void load() {
        object = LbObjects.load(Hook.XDP, false, Map.of("lb_flows", TABLE, "lb_replies", TABLE,
                "lb_half_open", TABLE, "lb_half_open_replies", TABLE));
        program = object.program("lb_xdp");
        engine = new LbEngine((service, backend, healthy, reason) -> {});
        engine.attach(object::map);
    }

    @AfterEach
    void close() {
        object.close();
    }

    private TestRunResult run(byte[] frame) {
        return program.testRun(frame);
    }

    private String backendOf(byte[] frame) {
        return Packets.destinationAddress(run(frame).output()).getHostAddress();
    }

    /** A SYN from a random (spoofed) address of 172.16.0.0/12 to the VIP, never followed by its handshake. */
    private static byte[] spoofedSyn(Random random, String vip) {
        String source = "172." + (16 + random.nextInt(16)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        return Packets.tcp(source, 1024 + random.nextInt(60000), vip, 80, TCP_SYN, new byte[0]);
    }

    @Test
    void aSynFloodEvictsNoEstablishedFlow() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        Map<Integer, String> bound = new HashMap<>();
        for (int port = 10000; port < 10600; port++) {
            bound.put(port, Packets.destinationAddress(Handshake.open(this::run, Packets.tcp(CLIENT, port, VIP, 80, TCP_SYN, new byte[0]))).getHostAddress());
        }
        assertEquals(600L, engine.counters().get("established"));
        // 20,000 spoofed SYNs: twenty times what the half-open table holds, three times what a 1,024-flow table would.
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            assertEquals(TestRunResult.XDP_PASS, run(spoofedSyn(random, VIP)).retval(), "a SYN is balanced");
        }
        assertEquals(20_600L, engine.counters().get("half-open"));
        for (int port = 10000; port < 10600; port++) {
            assertEquals(bound.get(port), backendOf(Packets.tcp(CLIENT, port, VIP, 80, TCP_ACK, new byte[10])), "established flow " + port);
            byte[] reply = run(Packets.tcp(bound.get(port), 8080, CLIENT, port, TCP_ACK, new byte[10])).output();
            assertEquals(ip(VIP), Packets.sourceAddress(reply), "reply of flow " + port + " rewritten to the VIP");
        }
        assertEquals(600, engine.flows("web").stream().filter(f -> !f.state().equals("half-open")).count());
        // A new legitimate connection during the flood completes its handshake and stays bound.
        String fresh = Packets.destinationAddress(Handshake.open(this::run, Packets.tcp(CLIENT, 20000, VIP, 80, TCP_SYN, new byte[0]))).getHostAddress();
        assertEquals(fresh, backendOf(Packets.tcp(CLIENT, 20000, VIP, 80, TCP_ACK, new byte[10])));
        assertEquals(601L, engine.counters().get("established"));
    }

    @Test
    void halfOpenFlowsExpireAfterTheirTimeoutAndFreeTheirSnatPorts() throws InterruptedException {
        VirtualService plain = service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1"));
        engine.putService(new VirtualService(plain.name(), plain.vip(), plain.port(), plain.protocol(), plain.algorithm(),
                plain.backends(), plain.healthCheck(), ip("10.2.0.1")));
        engine.setHalfOpenTimeout(Duration.ofSeconds(1));
        // Enough spoofed SYNs to hold every SNAT port towards the one backend (4,536) the table keeps.
        Random random = new Random(12);
        for (int i = 0; i < 8_000; i++) {
            run(spoofedSyn(random, VIP));
        }
        long exhausted = engine.counters().get("snat-ports-exhausted");
        Thread.sleep(1100);
        // Past the timeout the SYNs hold nothing: a legitimate client gets a port and its connection works.
        byte[] atBackend = Handshake.open(this::run, Packets.tcp(CLIENT, 30000, VIP, 80, TCP_SYN, new byte[0]));
        assertEquals(ip("10.2.0.1"), Packets.sourceAddress(atBackend));
        int snatPort = Packets.sourcePort(atBackend);
        byte[] reply = run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", snatPort, TCP_ACK, new byte[4])).output();
        assertEquals(ip(CLIENT), Packets.destinationAddress(reply));
        assertEquals(30000, Packets.destinationPort(reply));
        assertEquals(exhausted, engine.counters().get("snat-ports-exhausted"), "no new flow refused once the SYNs expired");
        assertTrue(engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)) > 0, "the sweep removes expired half-open flows");
        assertEquals(1, engine.flows("web").size(), "only the established flow is left");
    }

    @Test
    void aClientPortCannotTakeTheBackendTupleAnotherServicesLiveFlowHolds() {
        // Two VIPs balanced onto the same server and port, without source translation: a client that uses one source
        // port towards both would give the backend two connections with one 4-tuple.
        engine.putService(service("a", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        engine.putService(service("b", "10.0.0.101", 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        Handshake.open(this::run, Packets.tcp(CLIENT, 5000, VIP, 80, TCP_SYN, new byte[0]));
        TestRunResult second = run(Packets.tcp(CLIENT, 5000, "10.0.0.101", 80, TCP_SYN, new byte[0]));
        assertEquals(TestRunResult.XDP_DROP, second.retval(), "refused, not overwriting a's return entry");
        assertEquals(1L, engine.counters().get("tuple-held"));
        byte[] reply = run(Packets.tcp("10.1.0.1", 8080, CLIENT, 5000, TCP_ACK, new byte[4])).output();
        assertEquals(ip(VIP), Packets.sourceAddress(reply), "a's replies still come from a's VIP");
        // Once a's flow has closed, the tuple is free for b.
        run(Packets.tcp(CLIENT, 5000, VIP, 80, TCP_FIN | TCP_ACK, new byte[0]));
        run(Packets.tcp("10.1.0.1", 8080, CLIENT, 5000, TCP_FIN | TCP_ACK, new byte[0]));
        Handshake.open(this::run, Packets.tcp(CLIENT, 5000, "10.0.0.101", 80, TCP_SYN, new byte[0]));
        reply = run(Packets.tcp("10.1.0.1", 8080, CLIENT, 5000, TCP_ACK, new byte[4])).output();
        assertEquals(ip("10.0.0.101"), Packets.sourceAddress(reply), "now b's flow owns the tuple");
    }

    @Test
    void withSourceTranslationTwoServicesSharingABackendGetTheirOwnPorts() {
        VirtualService a = service("a", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1"));
        VirtualService b = service("b", "10.0.0.101", 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1"));
        engine.putService(new VirtualService(a.name(), a.vip(), a.port(), a.protocol(), a.algorithm(), a.backends(), a.healthCheck(), ip("10.2.0.1")));
        engine.putService(new VirtualService(b.name(), b.vip(), b.port(), b.protocol(), b.algorithm(), b.backends(), b.healthCheck(), ip("10.2.0.1")));
        int portA = Packets.sourcePort(Handshake.open(this::run, Packets.tcp(CLIENT, 5000, VIP, 80, TCP_SYN, new byte[0])));
        int portB = Packets.sourcePort(Handshake.open(this::run, Packets.tcp(CLIENT, 5000, "10.0.0.101", 80, TCP_SYN, new byte[0])));
        assertNotEquals(portA, portB);
        assertEquals(ip(VIP), Packets.sourceAddress(run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", portA, TCP_ACK, new byte[1])).output()));
        assertEquals(ip("10.0.0.101"), Packets.sourceAddress(run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", portB, TCP_ACK, new byte[1])).output()));
    }

    @Test
    void aFlowWhoseReturnEntryWasEvictedAloneGetsItBackAndAnOrphanedReplyIsDropped() throws InterruptedException {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        Handshake.open(this::run, Packets.tcp(CLIENT, 7000, VIP, 80, TCP_SYN, new byte[0]));
        Handshake.open(this::run, Packets.tcp(CLIENT, 7001, VIP, 80, TCP_SYN, new byte[0]));
        FlowKey reply7000 = new FlowKey(ip("10.1.0.1"), ip(CLIENT), 8080, 7000, Protocol.TCP.number());
        FlowKey client7001 = new FlowKey(ip(CLIENT), ip(VIP), 7001, 80, Protocol.TCP.number());
        LbMaps maps = new LbMaps(object::map);
        assertTrue(maps.replies(Wire.FAMILY_IPV4).remove(reply7000), "the LRU evicts flow 7000's return side alone");
        assertTrue(maps.flows.remove(client7001), "and flow 7001's client side alone");
        Thread.sleep(1100); // the data path checks the other side when a flow's touch is due (once per second)

        byte[] request = Packets.tcp(CLIENT, 7000, VIP, 80, TCP_ACK, new byte[3]);
        assertEquals(ip("10.1.0.1"), Packets.destinationAddress(run(request).output()));
        byte[] answer = run(Packets.tcp("10.1.0.1", 8080, CLIENT, 7000, TCP_ACK, new byte[3])).output();
        assertEquals(ip(VIP), Packets.sourceAddress(answer), "the return entry was put back: the reply is rewritten");

        byte[] orphan = Packets.tcp("10.1.0.1", 8080, CLIENT, 7001, TCP_ACK, new byte[3]);
        assertEquals(TestRunResult.XDP_DROP, run(orphan).retval(), "never sent on with the backend's address");
        assertEquals(1L, engine.counters().get("reply-orphaned"));
        assertArrayEquals(orphan, run(orphan).output(), "its stale return entry is gone: later packets are not the LB's");
    }
}
