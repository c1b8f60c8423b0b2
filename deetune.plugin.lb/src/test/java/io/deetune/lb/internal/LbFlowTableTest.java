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
import io.deetune.lb.Algorithm;
import io.deetune.lb.Flow;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection table under pressure, run by the kernel (BPF_PROG_TEST_RUN) with its maps written by the real
 * engine: half-open flows (a spoofed SYN flood) against established ones, the two directions of a flow kept
 * consistent, services that share a backend, teardown flags set from both directions at once.
 */
class LbFlowTableTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private BpfObject object;
    private BpfProgram program;
    private LbEngine engine;

    /** The stage with a small connection table, so that a flood of a few thousand packets could fill it. */
    private void load(int flowTableSize) {
        object = LbObjects.open();
        object.setConstant("lb_fib_redirect", new byte[] {0});
        object.setMaxEntries("lb_flows", flowTableSize);
        object.setMaxEntries("lb_replies", flowTableSize);
        object.load();
        program = object.program("lb_xdp");
        engine = new LbEngine((s, b, h, r) -> {});
        engine.attach(object::map);
    }

    @AfterEach
    void close() {
        if (object != null) {
            object.close();
        }
    }

    private byte[] run(byte[] frame) {
        TestRunResult result = program.testRun(frame);
        return result.output();
    }

    private int verdict(byte[] frame) {
        return program.testRun(frame).retval();
    }

    /** A full TCP handshake through the stage; returns the backend's address. */
    private String handshake(String client, int port, String vip, int vipPort) {
        byte[] syn = run(Packets.tcp(client, port, vip, vipPort, TCP_SYN, new byte[0]));
        String backend = Packets.destinationAddress(syn).getHostAddress();
        int backendPort = Packets.destinationPort(syn);
        InetAddress source = Packets.sourceAddress(syn);
        int sourcePort = Packets.sourcePort(syn);
        byte[] synAck = run(Packets.tcp(backend, backendPort, source.getHostAddress(), sourcePort, TCP_SYN | TCP_ACK, new byte[0]));
        assertEquals(ip(vip), Packets.sourceAddress(synAck), "the SYN-ACK is rewritten back to the VIP");
        byte[] ack = run(Packets.tcp(client, port, vip, vipPort, TCP_ACK, new byte[0]));
        assertEquals(backend, Packets.destinationAddress(ack).getHostAddress());
        return backend;
    }

    /** SYNs from random spoofed sources to the VIP, never answered by a client. */
    private void synFlood(int packets, String vip, int vipPort) {
        Random random = new Random(11);
        for (int i = 0; i < packets; i++) {
            String source = "172.16." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            run(Packets.tcp(source, 1024 + random.nextInt(60000), vip, vipPort, TCP_SYN, new byte[0]));
        }
    }

    @Test
    void aSynFloodDoesNotEvictEstablishedFlows() {
        load(1024);
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        int established = 600;
        String[] backends = new String[established];
        for (int i = 0; i < established; i++) {
            backends[i] = handshake(CLIENT, 40000 + i, VIP, 80);
        }
        synFlood(20000, VIP, 80);
        int kept = 0;
        for (int i = 0; i < established; i++) {
            byte[] data = run(Packets.tcp(CLIENT, 40000 + i, VIP, 80, TCP_ACK, new byte[10]));
            byte[] reply = run(Packets.tcp(backends[i], 8080, CLIENT, 40000 + i, TCP_ACK, new byte[10]));
            if (backends[i].equals(Packets.destinationAddress(data).getHostAddress()) && ip(VIP).equals(Packets.sourceAddress(reply))) {
                kept++;
            }
        }
        assertEquals(established, kept, "established flows that kept their backend and their reply rewrite");
        assertTrue(BACKENDS.contains(handshake(CLIENT, 50000, VIP, 80)), "a new connection is balanced as before");
    }

    @Test
    void aSynFloodDoesNotExhaustTheSnatPorts() {
        load(262144);
        VirtualService plain = service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1"));
        engine.putService(new VirtualService(plain.name(), plain.vip(), plain.port(), plain.protocol(), plain.algorithm(),
                plain.backends(), plain.healthCheck(), ip("10.2.0.1")));
        String backend = handshake(CLIENT, 40000, VIP, 80);
        synFlood(12000, VIP, 80); // more SYNs than the 4,536 SNAT ports of the backend
        for (int port = 41000; port < 41020; port++) {
            byte[] syn = Packets.tcp(CLIENT, port, VIP, 80, TCP_SYN, new byte[0]);
            assertEquals(TestRunResult.XDP_PASS, verdict(syn), "a new legitimate connection still gets a SNAT port, port " + port);
            assertEquals(backend, handshake(CLIENT, port + 100, VIP, 80));
        }
        byte[] data = run(Packets.tcp(CLIENT, 40000, VIP, 80, TCP_ACK, new byte[10]));
        assertEquals(backend, Packets.destinationAddress(data).getHostAddress(), "the established flow still goes through");
    }

    @Test
    void aReplyWhoseFlowIsGoneIsNotRewritten() {
        load(1024);
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        String backend = handshake(CLIENT, 40000, VIP, 80);
        LbMaps maps = new LbMaps(object::map);
        FlowKey client = new FlowKey(ip(CLIENT), ip(VIP), 40000, 80, Protocol.TCP.number());
        assertTrue(maps.flows.remove(client), "the client's flow left the table alone (as an LRU eviction does)");
        byte[] reply = Packets.tcp(backend, 8080, CLIENT, 40000, TCP_ACK, new byte[10]);
        assertArrayEquals(reply, run(reply), "a reply of a flow the table no longer knows is not rewritten");
        FlowKey back = new FlowKey(ip(backend), ip(CLIENT), 8080, 40000, Protocol.TCP.number());
        assertTrue(maps.replies(Wire.FAMILY_IPV4).get(back).isEmpty(), "and its stale return entry is gone");
    }

    @Test
    void aFlowWhoseReturnEntryIsGoneGetsItBack() {
        load(1024);
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        String backend = handshake(CLIENT, 40000, VIP, 80);
        LbMaps maps = new LbMaps(object::map);
        FlowKey back = new FlowKey(ip(backend), ip(CLIENT), 8080, 40000, Protocol.TCP.number());
        assertTrue(maps.replies(Wire.FAMILY_IPV4).remove(back), "the return entry left the table alone (as an LRU eviction does)");
        byte[] data = run(Packets.tcp(CLIENT, 40000, VIP, 80, TCP_ACK, new byte[10]));
        assertEquals(backend, Packets.destinationAddress(data).getHostAddress());
        byte[] reply = run(Packets.tcp(backend, 8080, CLIENT, 40000, TCP_ACK, new byte[10]));
        assertEquals(ip(VIP), Packets.sourceAddress(reply), "the next client packet restored the return entry");
        assertEquals(80, Packets.sourcePort(reply));
    }

    @Test
    void twoServicesSharingABackendAndAClientPortAreNotMixedUp() {
        load(1024);
        String vip2 = "10.0.0.101";
        engine.putService(service("a", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        engine.putService(service("b", vip2, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        handshake(CLIENT, 40000, VIP, 80);
        // The same client port to the other VIP: the backend would see the same four-tuple twice. Refused.
        assertEquals(TestRunResult.XDP_DROP, verdict(Packets.tcp(CLIENT, 40000, vip2, 80, TCP_SYN, new byte[0])));
        byte[] reply = run(Packets.tcp("10.1.0.1", 8080, CLIENT, 40000, TCP_ACK, new byte[10]));
        assertEquals(ip(VIP), Packets.sourceAddress(reply), "the first service's reply still comes from its own VIP");

        // With source translation each flow has its own SNAT port, whatever the client's port.
        VirtualService snatA = withSnat(service("a", VIP, 81, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        VirtualService snatB = withSnat(service("b", vip2, 81, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        engine.putService(snatA);
        engine.putService(snatB);
        byte[] toA = run(Packets.tcp(CLIENT, 40001, VIP, 81, TCP_SYN, new byte[0]));
        byte[] toB = run(Packets.tcp(CLIENT, 40001, vip2, 81, TCP_SYN, new byte[0]));
        int portA = Packets.sourcePort(toA);
        int portB = Packets.sourcePort(toB);
        assertNotEquals(portA, portB, "two flows towards one backend never share a SNAT port");
        assertEquals(ip(VIP), Packets.sourceAddress(run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", portA, TCP_SYN | TCP_ACK, new byte[0]))));
        assertEquals(ip(vip2), Packets.sourceAddress(run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", portB, TCP_SYN | TCP_ACK, new byte[0]))));
    }

    private static VirtualService withSnat(VirtualService s) {
        return new VirtualService(s.name(), s.vip(), s.port(), s.protocol(), s.algorithm(), s.backends(), s.healthCheck(), ip("10.2.0.1"));
    }

    /**
     * Both sides' FINs of many flows, each pair sent at the same moment from two threads (two CPUs where the machine
     * has them): every flow ends closed. A flag update that is not atomic loses one side's FIN now and then.
     */
    @Test
    void finsFromBothSidesAtOnceAlwaysCloseTheFlow() throws Exception {
        load(262144);
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        int flows = 20000;
        for (int i = 0; i < flows; i++) {
            handshake("10.9." + (i >> 8) + "." + (i & 0xff), 40000, VIP, 80);
        }
        CyclicBarrier together = new CyclicBarrier(2);
        Thread backendSide = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < flows; i++) {
                byte[] fin = Packets.tcp("10.1.0.1", 8080, "10.9." + (i >> 8) + "." + (i & 0xff), 40000, TCP_FIN | TCP_ACK, new byte[0]);
                await(together);
                program.testRun(fin);
            }
        });
        for (int i = 0; i < flows; i++) {
            byte[] fin = Packets.tcp("10.9." + (i >> 8) + "." + (i & 0xff), 40000, VIP, 80, TCP_FIN | TCP_ACK, new byte[0]);
            await(together);
            program.testRun(fin);
        }
        backendSide.join();
        List<Flow> open = engine.flows(null).stream().filter(f -> !f.state().equals("closed")).toList();
        assertEquals(List.of(), open, "flows left not closed after FINs both ways");
        assertEquals(0, engine.status().getFirst().activeFlows());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
