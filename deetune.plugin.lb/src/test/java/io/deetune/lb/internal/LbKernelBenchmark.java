package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_SYN;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import java.io.IOException;
import java.util.Locale;

/**
 * In-kernel cost of the stage per packet (BPF_PROG_TEST_RUN), next to the harness floor; one line per figure on
 * standard output. Run by {@code bench/lb.sh}; not a test (nothing about timing is asserted).
 */
public final class LbKernelBenchmark {

    private static final int REPEAT = 2_000_000;
    private static final int NEW_FLOWS = 20_000;

    private LbKernelBenchmark() {}

    private static void report(String what, double nanos) {
        System.out.println(String.format(Locale.ROOT, "%-58s %8.1f ns/packet", what, nanos));
    }

    /** Average of single runs over distinct new flows (a repeated run would hit the flow it created). */
    private static double newFlowNanos(BpfProgram program, String client) {
        long total = 0;
        for (int i = 0; i < NEW_FLOWS; i++) {
            byte[] syn = Packets.tcp(client, 1024 + i % 60000, LbLab.VIP, 80, TCP_SYN, new byte[0]);
            total += program.testRun(syn, 1).nanosPerRun();
        }
        return (double) total / NEW_FLOWS;
    }

    /** Single runs pay the syscall's cold caches; compare new flows with these, not with repeated runs. */
    private static double singleRuns(BpfProgram program, byte[] frame) {
        long total = 0;
        for (int i = 0; i < NEW_FLOWS; i++) {
            total += program.testRun(frame, 1).nanosPerRun();
        }
        return (double) total / NEW_FLOWS;
    }

    public static void main(String[] args) throws IOException {
        try (BpfObject floorObject = BpfObject.open(LbKernelBenchmark.class, "bpf/floor.bpf.o").load();
             BpfObject object = LbObjects.load(false)) {
            BpfProgram floor = floorObject.program("floor_pass");
            BpfProgram lb = object.program("lb_xdp");
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            byte[] anyFrame = Packets.tcp("10.9.0.1", 1000, LbLab.VIP, 80, TCP_ACK, new byte[64]);
            report("floor: XDP_PASS program (repeat " + REPEAT + ")", floor.testRun(anyFrame, REPEAT).nanosPerRun());
            report("floor: XDP_PASS program, single runs", singleRuns(floor, anyFrame));
            byte[] other = Packets.tcp("10.9.0.1", 1000, "10.0.0.200", 80, TCP_ACK, new byte[64]);
            report("lb: packet not for a VIP (continues the chain)", lb.testRun(other, REPEAT).nanosPerRun());
            for (Algorithm algorithm : Algorithm.values()) {
                engine.putService(LbDataPlaneTest.service("web", LbLab.VIP, 80, io.deetune.lb.Protocol.TCP, algorithm, LbDataPlaneTest.BACKENDS));
                report("lb: new flow, " + algorithm.id() + ", single runs", newFlowNanos(lb, "10.9." + algorithm.ordinal() + ".1"));
            }
            byte[] established = Packets.tcp("10.9.9.1", 40000, LbLab.VIP, 80, TCP_ACK, new byte[64]);
            lb.testRun(established, 1);
            report("lb: established flow, client -> VIP, rewrite + XDP_PASS", lb.testRun(established, REPEAT).nanosPerRun());
            report("lb: established flow, client -> VIP, single runs", singleRuns(lb, established));
            byte[] reply = Packets.tcp(LbDataPlaneTest.BACKENDS.get(engine.flows("web").stream()
                            .filter(f -> f.clientPort() == 40000).findFirst().map(f -> LbDataPlaneTest.BACKENDS.indexOf(f.backend().getHostAddress())).orElseThrow()),
                    8080, "10.9.9.1", 40000, TCP_ACK, new byte[64]);
            report("lb: established flow, reply -> client, rewrite + XDP_PASS", lb.testRun(reply, REPEAT).nanosPerRun());
        }
        // The tc-ingress program over the same frames (the test run builds an skb for it).
        try (BpfObject object = LbObjects.load(Hook.TC_INGRESS, false)) {
            BpfProgram lb = object.program(LbObjects.program(Hook.TC_INGRESS));
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            engine.putService(LbDataPlaneTest.service("web", LbLab.VIP, 80, io.deetune.lb.Protocol.TCP, Algorithm.ROUND_ROBIN, LbDataPlaneTest.BACKENDS));
            byte[] other = Packets.tcp("10.9.0.1", 1000, "10.0.0.200", 80, TCP_ACK, new byte[64]);
            report("lb tc: packet not for a VIP (continues the chain)", lb.testRun(other, REPEAT).nanosPerRun());
            byte[] established = Packets.tcp("10.9.9.1", 40000, LbLab.VIP, 80, TCP_ACK, new byte[64]);
            Handshake.open(frame -> lb.testRun(frame, 1), Packets.tcp("10.9.9.1", 40000, LbLab.VIP, 80, TCP_SYN, new byte[0]));
            report("lb tc: established flow, client -> VIP, rewrite + TC_ACT_UNSPEC", lb.testRun(established, REPEAT).nanosPerRun());
        }
        // With routing: the LB namespace of the lab has routes and neighbours, so the FIB lookup succeeds.
        try (LbLab lab = new LbLab(); BpfObject object = LbObjects.load(true)) {
            for (int i = 0; i < 3; i++) {
                lab.startServer(i);
            }
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            engine.putService(new io.deetune.lb.VirtualService("web", java.net.InetAddress.ofLiteral(LbLab.VIP), 80, io.deetune.lb.Protocol.TCP,
                    Algorithm.ROUND_ROBIN, lab.backendAddresses.stream().map(a -> new io.deetune.lb.Backend(java.net.InetAddress.ofLiteral(a), LbLab.BACKEND_PORT, 1)).toList(),
                    io.deetune.lb.HealthCheck.NONE));
            lab.attach(object);
            NetNs.run(lab.client, () -> {
                for (int i = 0; i < 3; i++) {
                    try {
                        LbLab.get(LbLab.CLIENTS.getFirst(), 80); // resolves the LB's neighbours
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            BpfProgram lb = object.program("lb_xdp");
            byte[] established = Packets.tcp("10.10.0.9", 40000, LbLab.VIP, 80, TCP_ACK, new byte[64]);
            byte[] syn = Packets.tcp("10.10.0.9", 40000, LbLab.VIP, 80, TCP_SYN, new byte[0]);
            TestRunResult first = NetNs.get(lab.lb, () -> lb.testRun(syn, 1));
            if (first.retval() != TestRunResult.XDP_REDIRECT) {
                throw new IllegalStateException("the FIB lookup found no route or neighbour in the lab (verdict " + first.retval() + ")");
            }
            // Established: the backend's SYN-ACK and the client's ACK move the flow out of the half-open table.
            NetNs.run(lab.lb, () -> Handshake.open(frame -> lb.testRun(frame, 1), syn));
            report("lb: established flow, rewrite + fib lookup + XDP_REDIRECT", NetNs.get(lab.lb, () -> lb.testRun(established, REPEAT)).nanosPerRun());
            report("lb: new flow, round-robin, fib lookup + XDP_REDIRECT, single runs", NetNs.get(lab.lb, () -> newFlowNanos(lb, "10.10.1.1")));
            lab.detach();
        }
    }
}
