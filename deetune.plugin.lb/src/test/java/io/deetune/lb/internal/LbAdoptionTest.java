package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.TestPins;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restart as the core performs it: the stage's maps stay pinned, a new object reuses them and a new engine (a new
 * JVM, services configured in another order) attaches; established flows keep their backends.
 */
class LbAdoptionTest {

    private TestPins pins;

    @BeforeEach
    void pinFolder() {
        pins = TestPins.create("lb");
    }

    @AfterEach
    void unpin() {
        pins.close();
    }

    private BpfObject loadPinned() {
        BpfObject object = LbObjects.open();
        for (String map : List.of("lb_services", "lb_backends", "lb_rings", "lb_turns", "lb_backend_flows", "lb_flows",
                "lb_replies", "lb_half_open", "lb_half_open_replies", "lb_settings", "lb_service_stats", "lb_backend_stats")) {
            object.setPinPath(map, pins.resolve(map));
        }
        object.setConstant("lb_fib_redirect", new byte[] {0});
        return object.load();
    }

    private static String destination(BpfObject object, byte[] frame) {
        TestRunResult result = object.program("lb_xdp").testRun(frame);
        return Packets.destinationAddress(result.output()).getHostAddress();
    }

    /** Opens the connection of syn (three-way handshake) and returns the backend it is bound to. */
    private static String established(BpfObject object, byte[] syn) {
        return Packets.destinationAddress(Handshake.open(object.program("lb_xdp")::testRun, syn)).getHostAddress();
    }

    @Test
    void establishedFlowsKeepTheirBackendsAcrossARestart() {
        VirtualService web = LbDataPlaneTest.service("web", LbDataPlaneTest.VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, LbDataPlaneTest.BACKENDS);
        VirtualService dns = LbDataPlaneTest.service("dns", LbDataPlaneTest.VIP, 53, Protocol.UDP, Algorithm.MAGLEV, List.of("10.1.0.7", "10.1.0.8"));
        Map<Integer, String> bound = new HashMap<>();
        try (BpfObject first = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(first::map);
            engine.putService(web);
            engine.putService(dns);
            for (int port = 1000; port < 1030; port++) {
                bound.put(port, established(first, Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0])));
            }
        }
        // A new JVM: configurations arrive in another order, one only after the stage loaded.
        try (BpfObject second = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {}, Duration.ZERO);
            engine.putService(dns);
            engine.attach(second::map);
            for (int port = 1000; port < 1030; port++) {
                byte[] data = Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_ACK, new byte[10]);
                assertEquals(bound.get(port), destination(second, data), "flow " + port + " before web's configuration returned");
            }
            engine.putService(web);
            List<String> after = new ArrayList<>();
            for (int port = 1000; port < 1030; port++) {
                byte[] data = Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_ACK, new byte[10]);
                after.add(destination(second, data));
                assertEquals(bound.get(port), after.getLast(), "flow " + port + " after");
            }
            assertEquals(30, engine.status().stream().filter(s -> s.service().name().equals("web")).findFirst().orElseThrow().activeFlows());
        }
    }

    @Test
    void aSweepWithinTheGracePeriodKeepsTheFlowsOfServicesNotConfiguredYet() {
        VirtualService web = LbDataPlaneTest.service("web", LbDataPlaneTest.VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, LbDataPlaneTest.BACKENDS);
        Map<Integer, String> bound = new HashMap<>();
        try (BpfObject first = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(first::map);
            engine.putService(web);
            for (int port = 1000; port < 1010; port++) {
                bound.put(port, established(first, Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0])));
            }
        }
        try (BpfObject second = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {}, Duration.ofMinutes(5));
            engine.attach(second::map);
            // The periodic sweep runs before web's configuration arrives (a cfg file that File Install reads late).
            assertEquals(0, engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)), "nothing expires in the grace period");
            engine.putService(web);
            for (int port = 1000; port < 1010; port++) {
                byte[] data = Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_ACK, new byte[10]);
                assertEquals(bound.get(port), destination(second, data), "flow " + port + " kept its backend");
            }
        }
    }

    @Test
    void unclaimedPinnedServicesLeaveAfterTheGracePeriod() {
        try (BpfObject first = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(first::map);
            engine.putService(LbDataPlaneTest.service("old", LbDataPlaneTest.VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, LbDataPlaneTest.BACKENDS));
        }
        try (BpfObject second = loadPinned()) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {}, Duration.ZERO);
            engine.attach(second::map);
            byte[] syn = Packets.tcp(LbDataPlaneTest.CLIENT, 2000, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0]);
            assertEquals("10.1.0.1", destination(second, syn), "still served until the sweep");
            engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
            byte[] next = Packets.tcp(LbDataPlaneTest.CLIENT, 2001, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0]);
            assertArrayEquals(next, second.program("lb_xdp").testRun(next).output(), "the unclaimed VIP is gone");
        }
    }
}
