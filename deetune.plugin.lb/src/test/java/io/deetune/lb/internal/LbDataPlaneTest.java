package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_FIN;
import static io.deetune.bpf.testing.Packets.TCP_RST;
import static io.deetune.bpf.testing.Packets.TCP_SYN;
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
import io.deetune.lb.Backend;
import io.deetune.lb.BackendStatus;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real stage program run by the kernel over crafted frames (BPF_PROG_TEST_RUN), its maps written by the real
 * engine. Forwarding is XDP_PASS here (a test run does not route); redirect is covered by the namespace test.
 * {@link LbTcDataPlaneTest} runs every test again on the tc-ingress program.
 */
class LbDataPlaneTest {

    static final String VIP = "10.0.0.100";
    static final String CLIENT = "10.9.0.1";
    static final List<String> BACKENDS = List.of("10.1.0.1", "10.1.0.2", "10.1.0.3");

    BpfObject object;
    BpfProgram program;
    LbEngine engine;
    private final List<String> healthEvents = new ArrayList<>();

    @BeforeEach
    void load() {
        object = LbObjects.load(hook(), false);
        program = object.program(LbObjects.program(hook()));
        engine = new LbEngine((service, backend, healthy, reason) -> healthEvents.add(service + " " + backend.endpoint() + " " + healthy));
        engine.attach(object::map);
    }

    @AfterEach
    void close() {
        object.close();
    }

    static InetAddress ip(String text) {
        return InetAddress.ofLiteral(text);
    }

    static VirtualService service(String name, String vip, int port, Protocol protocol, Algorithm algorithm, List<String> backends, int... weights) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            list.add(new Backend(ip(backends.get(i)), 8080, weights.length > i ? weights[i] : 1));
        }
        return new VirtualService(name, ip(vip), port, protocol, algorithm, list, HealthCheck.NONE);
    }

    /** The hook whose program this class tests. */
    Hook hook() {
        return Hook.XDP;
    }

    /** The verdict of a packet the stage hands to the kernel, rewritten or not (XDP_PASS; TC_ACT_UNSPEC, tcx "next", at tc). */
    int passed() {
        return TestRunResult.XDP_PASS;
    }

    /** The shortest cut of {@code frame} a test run of this hook's program takes: its Ethernet header, for XDP. */
    int shortestCut(byte[] frame) {
        return 14;
    }

    /** The verdict of a dropped packet. */
    int dropped() {
        return TestRunResult.XDP_DROP;
    }

    TestRunResult run(byte[] frame) {
        return program.testRun(frame);
    }

    /**
     * Opens a TCP connection to the VIP (SYN, the backend's SYN-ACK, ACK) and returns the backend address its SYN was
     * sent to (checking the rewrite).
     */
    private String connect(String client, int clientPort) {
        byte[] syn = Packets.tcp(client, clientPort, VIP, 80, TCP_SYN, new byte[0]);
        byte[] out = Handshake.open(this::run, syn);
        assertTrue(Packets.ipv4ChecksumOk(out) && Packets.l4ChecksumOk(out), "checksums after rewrite");
        assertEquals(8080, Packets.destinationPort(out));
        assertEquals(ip(client), Packets.sourceAddress(out));
        return Packets.destinationAddress(out).getHostAddress();
    }

    @Test
    void tcpToVipIsRewrittenToTheBackendAndTheReplyBackToTheVip() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        assertEquals("10.1.0.1", connect(CLIENT, 40000));
        byte[] payload = "GET / HTTP/1.1\r\n\r\n".getBytes();
        byte[] request = Packets.tcp(CLIENT, 40000, VIP, 80, TCP_ACK, payload);
        TestRunResult forward = run(request);
        assertEquals(passed(), forward.retval());
        byte[] out = forward.output();
        assertEquals(ip("10.1.0.1"), Packets.destinationAddress(out));
        assertEquals(8080, Packets.destinationPort(out));
        assertEquals(ip(CLIENT), Packets.sourceAddress(out));
        assertEquals(40000, Packets.sourcePort(out));
        assertTrue(Packets.ipv4ChecksumOk(out), "IPv4 header checksum");
        assertTrue(Packets.l4ChecksumOk(out), "TCP checksum");
        // Everything but addresses, port and checksums is unchanged (payload included).
        assertArrayEquals(java.util.Arrays.copyOfRange(request, request.length - payload.length, request.length),
                java.util.Arrays.copyOfRange(out, out.length - payload.length, out.length));

        byte[] reply = Packets.tcp("10.1.0.1", 8080, CLIENT, 40000, TCP_ACK, "HTTP/1.1 200 OK\r\n".getBytes());
        TestRunResult back = run(reply);
        assertEquals(passed(), back.retval());
        byte[] rewritten = back.output();
        assertEquals(ip(VIP), Packets.sourceAddress(rewritten));
        assertEquals(80, Packets.sourcePort(rewritten));
        assertEquals(ip(CLIENT), Packets.destinationAddress(rewritten));
        assertTrue(Packets.ipv4ChecksumOk(rewritten) && Packets.l4ChecksumOk(rewritten), "reply checksums");
    }

    @Test
    void udpWithAndWithoutChecksumIsRewritten() {
        engine.putService(service("dns", VIP, 53, Protocol.UDP, Algorithm.ROUND_ROBIN, BACKENDS));
        byte[] query = Packets.udp(CLIENT, 5353, VIP, 53, new byte[] {1, 2, 3, 4, 5});
        byte[] out = run(query).output();
        assertEquals(ip("10.1.0.1"), Packets.destinationAddress(out));
        assertEquals(8080, Packets.destinationPort(out));
        assertTrue(Packets.ipv4ChecksumOk(out) && Packets.l4ChecksumOk(out));
        assertNotEquals(0, Packets.getShort(out, Packets.l4Offset(out) + 6));

        byte[] noChecksum = Packets.udp(CLIENT, 5354, VIP, 53, new byte[] {9});
        Packets.putShort(noChecksum, Packets.l4Offset(noChecksum) + 6, 0);
        byte[] out2 = run(noChecksum).output();
        assertEquals(ip("10.1.0.2"), Packets.destinationAddress(out2));
        assertEquals(0, Packets.getShort(out2, Packets.l4Offset(out2) + 6), "UDP checksum 0 (none) stays 0");
        assertTrue(Packets.ipv4ChecksumOk(out2));

        byte[] answer = Packets.udp("10.1.0.1", 8080, CLIENT, 5353, new byte[] {7, 7});
        byte[] back = run(answer).output();
        assertEquals(ip(VIP), Packets.sourceAddress(back));
        assertEquals(53, Packets.sourcePort(back));
        assertTrue(Packets.l4ChecksumOk(back));
    }

    @Test
    void ipv6FlowsAreBalancedAndRewrittenBothWays() {
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1", "fd00:1::2")));
        byte[] syn = Packets.tcp("fd00:9::1", 50000, "fd00::100", 443, TCP_SYN, new byte[0]);
        byte[] out = run(syn).output();
        assertEquals(ip("fd00:1::1"), Packets.destinationAddress(out));
        assertEquals(8080, Packets.destinationPort(out));
        assertTrue(Packets.l4ChecksumOk(out));
        byte[] udpLike = Packets.tcp("fd00:9::1", 50001, "fd00::100", 443, TCP_SYN, new byte[3]);
        assertEquals(ip("fd00:1::2"), Packets.destinationAddress(run(udpLike).output()));

        byte[] reply = Packets.tcp("fd00:1::1", 8080, "fd00:9::1", 50000, TCP_SYN | TCP_ACK, new byte[0]);
        byte[] back = run(reply).output();
        assertEquals(ip("fd00::100"), Packets.sourceAddress(back));
        assertEquals(443, Packets.sourcePort(back));
        assertTrue(Packets.l4ChecksumOk(back));
    }

    @Test
    void ipv6WithExtensionHeadersIsBalancedAndFragmentsAreLeftAlone() {
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1", "fd00:1::2")));
        int hopByHop = 0;
        int destinationOptions = 60;
        int fragmentHeader = 44;
        for (int type : new int[] {hopByHop, destinationOptions}) {
            byte[] syn = Packets.withIpv6Extension(Packets.tcp("fd00:9::1", 50100 + type, "fd00::100", 443, TCP_SYN, new byte[5]), type, 0, false);
            TestRunResult forward = run(syn);
            assertEquals(passed(), forward.retval());
            assertEquals(syn.length, forward.output().length, "the extension header stays in place");
            byte[] out = Packets.withoutIpv6Extension(forward.output());
            assertEquals(8080, Packets.destinationPort(out), "extension header " + type);
            assertTrue(Packets.l4ChecksumOk(out), "TCP checksum after the rewrite, extension header " + type);
            String backend = Packets.destinationAddress(out).getHostAddress();

            byte[] reply = Packets.withIpv6Extension(Packets.tcp(backend, 8080, "fd00:9::1", 50100 + type, TCP_SYN | TCP_ACK, new byte[0]), type, 0, false);
            byte[] back = Packets.withoutIpv6Extension(run(reply).output());
            assertEquals(ip("fd00::100"), Packets.sourceAddress(back));
            assertEquals(443, Packets.sourcePort(back));
            assertTrue(Packets.l4ChecksumOk(back), "reply checksum, extension header " + type);
        }
        int flows = engine.flows(null).size();
        // A fragmented packet's later fragments carry no ports, so none of its fragments is balanced.
        byte[] first = Packets.withIpv6Extension(Packets.tcp("fd00:9::1", 50200, "fd00::100", 443, TCP_SYN, new byte[5]), fragmentHeader, 0, true);
        byte[] later = Packets.withIpv6Extension(Packets.tcp("fd00:9::1", 50201, "fd00::100", 443, TCP_SYN, new byte[5]), fragmentHeader, 3, false);
        for (byte[] fragment : List.of(first, later)) {
            TestRunResult result = run(fragment);
            assertEquals(passed(), result.retval());
            assertArrayEquals(fragment, result.output());
        }
        // Every truncation of a frame with an extension header, down to what a test run takes.
        byte[] good = Packets.withIpv6Extension(Packets.tcp("fd00:9::1", 50300, "fd00::100", 443, TCP_SYN, new byte[0]), hopByHop, 0, false);
        for (int length = shortestCut(good); length < good.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(good, length);
            TestRunResult result = run(cut);
            assertEquals(passed(), result.retval(), "length " + length);
            assertArrayEquals(cut, result.output(), "a truncated frame is not rewritten, length " + length);
        }
        assertEquals(flows, engine.flows(null).size(), "no flow was created by a fragment");
    }

    @Test
    void sourceNatRewritesBothAddressesBothWaysWithAPortPerFlow() {
        VirtualService plain = service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1"));
        engine.putService(new VirtualService(plain.name(), plain.vip(), plain.port(), plain.protocol(), plain.algorithm(),
                plain.backends(), plain.healthCheck(), ip("10.2.0.1")));
        Map<Integer, Integer> clientPortBySnatPort = new HashMap<>();
        for (int port = 20000; port < 21000; port++) {
            byte[] out = Handshake.open(this::run, Packets.tcp(CLIENT, port, VIP, 80, TCP_SYN, new byte[0]));
            assertEquals(ip("10.1.0.1"), Packets.destinationAddress(out));
            assertEquals(ip("10.2.0.1"), Packets.sourceAddress(out), "the backend sees the LB's address");
            int snatPort = Packets.sourcePort(out);
            assertTrue(snatPort >= 61000 && snatPort <= 65535, "SNAT port " + snatPort + " outside the ephemeral range");
            assertTrue(Packets.ipv4ChecksumOk(out) && Packets.l4ChecksumOk(out));
            assertEquals(null, clientPortBySnatPort.put(snatPort, port), "1000 flows to one backend, each its own SNAT port");
        }
        // Every reply finds its own client again.
        for (int i = 0; i < 1000; i += 37) {
            int snatPort = clientPortBySnatPort.keySet().stream().sorted().toList().get(i);
            byte[] back = run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", snatPort, TCP_ACK, new byte[5])).output();
            assertEquals(ip(VIP), Packets.sourceAddress(back));
            assertEquals(80, Packets.sourcePort(back));
            assertEquals(ip(CLIENT), Packets.destinationAddress(back));
            assertEquals(clientPortBySnatPort.get(snatPort), Packets.destinationPort(back));
            assertTrue(Packets.ipv4ChecksumOk(back) && Packets.l4ChecksumOk(back));
        }
        // A backend's FIN is tracked on the client's flow; the sweep then removes both entries.
        int snatPort = clientPortBySnatPort.keySet().iterator().next();
        int clientPort = clientPortBySnatPort.get(snatPort);
        run(Packets.tcp(CLIENT, clientPort, VIP, 80, TCP_FIN | TCP_ACK, new byte[0]));
        run(Packets.tcp("10.1.0.1", 8080, "10.2.0.1", snatPort, TCP_FIN | TCP_ACK, new byte[0]));
        assertEquals(999, engine.status().getFirst().activeFlows());
        assertEquals(1, engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO));
        byte[] late = Packets.tcp("10.1.0.1", 8080, "10.2.0.1", snatPort, TCP_ACK, new byte[0]);
        assertArrayEquals(late, run(late).output());
    }

    @Test
    void onlyASynOpensATcpFlowUnlessTheChoiceIsAHash() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        // Late or stray packets of no known flow: a backend would not know them, and the turn must not move.
        for (int flags : new int[] {TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST, TCP_SYN | TCP_ACK}) {
            byte[] stray = Packets.tcp(CLIENT, 41000 + flags, VIP, 80, flags, new byte[1]);
            TestRunResult result = run(stray);
            assertEquals(passed(), result.retval());
            assertArrayEquals(stray, result.output(), "flags " + flags + " continue the chain untouched");
        }
        assertEquals(0, engine.flows(null).size());
        assertEquals("10.1.0.1", connect(CLIENT, 41000), "the round robin's turn did not move");

        // Maglev finds a flow's backend from the packet itself: a flow that left the table gets the same one back.
        engine.putService(service("hash", VIP, 81, Protocol.TCP, Algorithm.MAGLEV, BACKENDS));
        byte[] syn = Packets.tcp(CLIENT, 42000, VIP, 81, TCP_SYN, new byte[0]);
        String bound = Packets.destinationAddress(run(syn).output()).getHostAddress();
        assertEquals(2, engine.sweep(Duration.ZERO, Duration.ZERO, Duration.ZERO), "both flows leave the table");
        byte[] next = Packets.tcp(CLIENT, 42000, VIP, 81, TCP_ACK, new byte[1]);
        assertEquals(bound, Packets.destinationAddress(run(next).output()).getHostAddress());
    }

    /**
     * The IPv6 frame with a segment routing header (routing type 4, RFC 8754) after the fixed header, holding
     * {@code segment} with {@code segmentsLeft} of the route still to go.
     */
    static byte[] withRoutingHeader(byte[] frame, int segmentsLeft, String segment) {
        int at = 14 + 40;
        byte[] f = new byte[frame.length + 24];
        System.arraycopy(frame, 0, f, 0, at);
        System.arraycopy(frame, at, f, at + 24, frame.length - at);
        f[at] = frame[14 + 6]; // next header: the L4 protocol
        f[at + 1] = 2;         // 24 bytes: 8 + one 16-byte segment
        f[at + 2] = 4;         // segment routing
        f[at + 3] = (byte) segmentsLeft;
        System.arraycopy(ip(segment).getAddress(), 0, f, at + 8, 16);
        f[14 + 6] = 43;
        Packets.putShort(f, 14 + 4, Packets.getShort(frame, 14 + 4) + 24);
        return f;
    }

    @Test
    void ipv6ThatARoutingHeaderRoutesOnIsNotBalancedOnItsNextHop() {
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1")));
        // Addressed to the VIP, but as a hop of its route: the packet's destination is fd00:77::1, in the header.
        byte[] onward = withRoutingHeader(Packets.tcp("fd00:9::1", 50400, "fd00::100", 443, TCP_SYN, new byte[0]), 1, "fd00:77::1");
        byte[] behindHopByHop = Packets.withIpv6Extension(
                withRoutingHeader(Packets.tcp("fd00:9::1", 50401, "fd00::100", 443, TCP_SYN, new byte[0]), 1, "fd00:77::1"), 0, 0, false);
        for (byte[] frame : List.of(onward, behindHopByHop)) {
            TestRunResult result = run(frame);
            assertEquals(passed(), result.retval());
            assertArrayEquals(frame, result.output(), "passed on untouched");
        }
        assertEquals(0, engine.flows(null).size(), "no flow");
        assertEquals(2L, engine.counters().get("ipv6-routed-onward"));

        // No segment left: the fixed header's destination is the last of the route, the VIP. Balanced.
        byte[] arrived = withRoutingHeader(Packets.tcp("fd00:9::1", 50402, "fd00::100", 443, TCP_SYN, new byte[0]), 0, "fd00:77::1");
        TestRunResult result = run(arrived);
        assertEquals(passed(), result.retval());
        assertEquals(ip("fd00:1::1"), Packets.destinationAddress(result.output()));
        assertEquals(8080, Packets.getShort(result.output(), 14 + 40 + 24 + 2));
        assertEquals(1, engine.flows(null).size());
        assertEquals(2L, engine.counters().get("ipv6-routed-onward"));
    }

    /**
     * Only a routing header before the fragment header routes the packet on: one after it is in the fragmentable part,
     * which only the host that reassembles the packet reads. Either way a fragment is not balanced.
     */
    @Test
    void aRoutingHeaderCountsOnlyBeforeTheFragmentHeader() {
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1")));
        byte[] routedThenFragment = withRoutingHeader(Packets.withIpv6Extension(
                Packets.tcp("fd00:9::1", 50410, "fd00::100", 443, TCP_SYN, new byte[0]), 44, 0, true), 1, "fd00:77::1");
        byte[] fragmentThenRouted = Packets.withIpv6Extension(
                withRoutingHeader(Packets.tcp("fd00:9::1", 50411, "fd00::100", 443, TCP_SYN, new byte[0]), 1, "fd00:77::1"),
                44, 0, true);
        for (byte[] frame : List.of(routedThenFragment, fragmentThenRouted)) {
            TestRunResult result = run(frame);
            assertEquals(passed(), result.retval());
            assertArrayEquals(frame, result.output(), "passed on untouched");
        }
        assertEquals(0, engine.flows(null).size(), "no flow");
        assertEquals(1L, engine.counters().get("ipv6-routed-onward"), "only the routing header before the fragment header");
    }

    @Test
    void trafficNotForAVipContinuesTheChainUntouched() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        List<byte[]> others = List.of(
                Packets.tcp(CLIENT, 40000, VIP, 81, TCP_SYN, new byte[0]),      // other port
                Packets.udp(CLIENT, 40000, VIP, 80, new byte[4]),              // other protocol
                Packets.tcp(CLIENT, 40000, "10.0.0.101", 80, TCP_SYN, new byte[0]),
                Packets.icmpEcho(CLIENT, VIP),
                Packets.tcp("10.1.0.1", 8080, CLIENT, 40999, TCP_ACK, new byte[0])); // a reply of no known flow
        for (byte[] frame : others) {
            TestRunResult result = run(frame);
            assertEquals(passed(), result.retval());
            assertArrayEquals(frame, result.output());
        }
        assertEquals(0, engine.status().getFirst().packets());
    }

    @Test
    void malformedAndTruncatedFramesNeverCrashOrGetForwarded() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        byte[] good = Packets.tcp(CLIENT, 40000, VIP, 80, TCP_SYN, new byte[8]);
        // Every truncation of a valid VIP frame, down to what a test run takes.
        for (int length = shortestCut(good); length < 14 + 20 + 20; length++) {
            byte[] cut = java.util.Arrays.copyOf(good, length);
            TestRunResult result = run(cut);
            assertEquals(passed(), result.retval(), "length " + length);
            assertArrayEquals(cut, result.output(), "a truncated frame is not rewritten, length " + length);
        }
        byte[] shortIhl = good.clone();
        shortIhl[14] = 0x44; // IHL 4: below the minimum
        byte[] shortDoff = good.clone();
        shortDoff[Packets.l4Offset(good) + 12] = 0x40; // data offset 4
        byte[] hugeIhl = good.clone();
        hugeIhl[14] = 0x4f; // IHL 15: options beyond the frame
        byte[] fragment = good.clone();
        Packets.putShort(fragment, 14 + 6, 0x2000 | 3); // more fragments, offset 24
        byte[] notIp = good.clone();
        Packets.putShort(notIp, 12, 0x0806);
        for (byte[] bad : List.of(shortIhl, shortDoff, hugeIhl, fragment, notIp)) {
            TestRunResult result = run(bad);
            assertEquals(passed(), result.retval());
            assertArrayEquals(bad, result.output());
        }
        assertEquals(0, engine.flows(null).size(), "no flow was created by a malformed frame");
    }

    @Test
    void aFrameWhoseIpLengthEndsInsideItsL4HeaderIsNotBalanced() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        engine.putService(service("dns", VIP, 53, Protocol.UDP, Algorithm.ROUND_ROBIN, BACKENDS));
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1")));
        byte[] syn = Packets.tcp(CLIENT, 40000, VIP, 80, TCP_SYN, new byte[0]);
        byte[] query = Packets.udp(CLIENT, 5353, VIP, 53, new byte[0]);
        byte[] syn6 = Packets.withIpv6Extension(Packets.tcp("fd00:9::1", 50000, "fd00::100", 443, TCP_SYN, new byte[0]), 0, 0, false);
        // Whole headers in the frame, but past the IP length: padding (to 60 bytes), which the receiver never sees.
        List<byte[]> cut = List.of(Packets.padded(Packets.withIpLength(syn, 20 + 4), 60),
                Packets.padded(Packets.withIpLength(syn, 20 + 19), 60),
                Packets.padded(Packets.withIpLength(query, 20 + 4), 60),
                Packets.withIpLength(syn6, 40 + 8 + 12),
                Packets.withIpLength(syn6, 40 + 6));
        for (byte[] frame : cut) {
            TestRunResult result = run(frame);
            assertEquals(passed(), result.retval());
            assertArrayEquals(frame, result.output(), "not rewritten");
        }
        assertEquals(0, engine.flows(null).size(), "no flow was created by a frame cut short by its IP length");
        // A padded frame whose datagram is whole is balanced as ever.
        assertEquals(8080, Packets.destinationPort(run(Packets.padded(syn, 60)).output()));
    }

    @Test
    void roundRobinIsExactlyEvenAndFlowsStickToTheirBackend() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        Map<String, Integer> counts = new HashMap<>();
        Map<Integer, String> chosen = new HashMap<>();
        for (int port = 30000; port < 30300; port++) {
            String backend = connect(CLIENT, port);
            counts.merge(backend, 1, Integer::sum);
            chosen.put(port, backend);
        }
        assertEquals(Map.of("10.1.0.1", 100, "10.1.0.2", 100, "10.1.0.3", 100), counts);
        for (int port = 30000; port < 30300; port += 7) {
            byte[] data = Packets.tcp(CLIENT, port, VIP, 80, TCP_ACK, new byte[1]);
            assertEquals(chosen.get(port), Packets.destinationAddress(run(data).output()).getHostAddress(), "flow " + port + " stays");
        }
        ServiceStatus status = engine.status().getFirst();
        assertEquals(300, status.newFlows());
        assertEquals(300, status.activeFlows());
        assertEquals(2 * 300 + 43, status.packets(), "each connection's SYN and ACK, and the 43 data packets");
        assertEquals(300, engine.flows("web").size());
    }

    @Test
    void weightedRoundRobinFollowsTheWeights() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.WEIGHTED_ROUND_ROBIN, BACKENDS, 1, 2, 3));
        Map<String, Integer> counts = new HashMap<>();
        for (int port = 30000; port < 30300; port++) {
            counts.merge(connect(CLIENT, port), 1, Integer::sum);
        }
        assertEquals(Map.of("10.1.0.1", 50, "10.1.0.2", 100, "10.1.0.3", 150), counts);
    }

    @Test
    void leastConnectionsPicksTheBackendWithFewestLiveFlows() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.LEAST_CONNECTIONS, BACKENDS));
        assertEquals("10.1.0.1", connect(CLIENT, 1000));
        assertEquals("10.1.0.2", connect(CLIENT, 1001));
        assertEquals("10.1.0.3", connect(CLIENT, 1002));
        assertEquals("10.1.0.1", connect(CLIENT, 1003));
        // Close 10.1.0.2's flow (FIN both ways): it now has the fewest live flows.
        run(Packets.tcp(CLIENT, 1001, VIP, 80, TCP_FIN | TCP_ACK, new byte[0]));
        run(Packets.tcp("10.1.0.2", 8080, CLIENT, 1001, TCP_FIN | TCP_ACK, new byte[0]));
        assertEquals("10.1.0.2", connect(CLIENT, 1004));
        assertEquals("10.1.0.2", connect(CLIENT, 1005));
        // A RST closes a flow at once.
        run(Packets.tcp(CLIENT, 1002, VIP, 80, TCP_RST, new byte[0]));
        assertEquals("10.1.0.3", connect(CLIENT, 1006));
        Map<String, Long> active = new HashMap<>();
        engine.status().getFirst().backends().forEach(b -> active.put(b.backend().address().getHostAddress(), b.activeFlows()));
        assertEquals(Map.of("10.1.0.1", 2L, "10.1.0.2", 2L, "10.1.0.3", 1L), active);
    }

    @Test
    void sourceHashKeepsAClientOnOneBackend() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.SOURCE_HASH, BACKENDS));
        Set<String> used = new HashSet<>();
        for (int client = 1; client <= 60; client++) {
            String address = "10.9.1." + client;
            String first = connect(address, 20000);
            for (int port = 20001; port < 20005; port++) {
                assertEquals(first, connect(address, port), "client " + address + " stays on its backend");
            }
            used.add(first);
        }
        assertEquals(3, used.size(), "60 clients spread over all backends");
    }

    @Test
    void maglevSpreadsFlowsAndRemovingABackendMovesOnlyItsShare() {
        List<String> five = List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5");
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.MAGLEV, five));
        Map<Integer, String> before = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int port = 1024; port < 1024 + 2000; port++) {
            before.put(port, connect(CLIENT, port));
            counts.merge(before.get(port), 1, Integer::sum);
        }
        counts.values().forEach(n -> assertTrue(n > 300 && n < 500, "each of 5 backends gets about 400 of 2000: " + counts));
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.MAGLEV, five.subList(0, 4)));
        for (int port = 1024; port < 1024 + 200; port++) {
            assertTrue(five.subList(0, 4).contains(connect("10.9.9.9", port)), "new flows use the remaining backends");
        }
        int moved = 0;
        // Established flows of the removed backend moved, the others stayed.
        for (int port = 1024; port < 1024 + 2000; port++) {
            String now = Packets.destinationAddress(run(Packets.tcp(CLIENT, port, VIP, 80, TCP_ACK, new byte[0])).output()).getHostAddress();
            if (!now.equals(before.get(port))) {
                moved++;
                assertEquals("10.1.0.5", before.get(port), "only flows of the removed backend move");
            }
        }
        assertEquals(counts.get("10.1.0.5"), moved);
    }

    @Test
    void failedBackendsFlowsMoveAndDrainedBackendsKeepTheirs() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        assertEquals("10.1.0.1", connect(CLIENT, 1000));
        assertEquals("10.1.0.2", connect(CLIENT, 1001));
        assertEquals("10.1.0.3", connect(CLIENT, 1002));

        engine.setWeight("web", ip("10.1.0.2"), 8080, 0); // drain
        byte[] data = Packets.tcp(CLIENT, 1001, VIP, 80, TCP_ACK, new byte[1]);
        assertEquals(ip("10.1.0.2"), Packets.destinationAddress(run(data).output()), "a draining backend keeps its flows");
        for (int port = 2000; port < 2010; port++) {
            assertNotEquals("10.1.0.2", connect(CLIENT, port), "a draining backend takes no new flow");
        }

        Backend first = engine.service("web").orElseThrow().backends().getFirst();
        engine.setHealth("web", first, false, "connect refused");
        assertEquals(List.of("web 10.1.0.1:8080 false"), healthEvents);
        byte[] moved = run(Packets.tcp(CLIENT, 1000, VIP, 80, TCP_ACK, new byte[1])).output();
        assertEquals(ip("10.1.0.3"), Packets.destinationAddress(moved), "the failed backend's flow moved to the only eligible one");
        assertTrue(Packets.l4ChecksumOk(moved));
        engine.setHealth("web", first, true, "connected");
        assertEquals(2, healthEvents.size());
        BackendStatus status = engine.status().getFirst().backends().getFirst();
        assertTrue(status.healthy());
    }

    @Test
    void sweepExpiresClosedAndIdleFlows() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        connect(CLIENT, 1000);
        connect(CLIENT, 1001);
        run(Packets.tcp(CLIENT, 1000, VIP, 80, TCP_RST, new byte[0]));
        assertEquals(0, engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)));
        assertEquals(1, engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO), "the closed flow");
        assertEquals(1, engine.flows(null).size());
        assertEquals(1, engine.status().getFirst().activeFlows());
        assertEquals(1, engine.sweep(Duration.ZERO, Duration.ZERO, Duration.ZERO), "the idle flow");
        assertEquals(0, engine.status().getFirst().activeFlows());
        // Its return entry went too: a late reply is no longer rewritten.
        byte[] late = Packets.tcp("10.1.0.2", 8080, CLIENT, 1001, TCP_ACK, new byte[0]);
        assertArrayEquals(late, run(late).output());
    }

    @Test
    void aVipWithoutEligibleBackendsDropsNewFlows() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS, 0, 0, 0));
        assertEquals(dropped(), run(Packets.tcp(CLIENT, 1000, VIP, 80, TCP_SYN, new byte[0])).retval());
    }

    @Test
    void removingAServiceStopsBalancingItsVip() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, BACKENDS));
        connect(CLIENT, 1000);
        assertTrue(engine.removeService("web"));
        byte[] syn = Packets.tcp(CLIENT, 1001, VIP, 80, TCP_SYN, new byte[0]);
        assertArrayEquals(syn, run(syn).output());
    }
}
