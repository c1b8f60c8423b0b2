package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.Codec;
import io.deetune.bpf.NetDevices;
import io.deetune.bpf.NetNs;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XDP forwarding redirects only out of interfaces that take redirected frames. A veth takes them only while its
 * peer has GRO on or an XDP program; redirected to one whose peer has neither, every frame vanished (measured in
 * DESIGN.md: 0 of 1,000). Now such a packet goes to the kernel unchanged, which forwards it, counted as
 * {@code xdp-egress-unable}, and the redirect resumes once the peer turns GRO on again.
 */
class LbEgressNamespaceTest {

    private static final int REQUESTS = 20;

    private LbLab lab;
    private BpfObject object;
    private LbEngine engine;

    @BeforeEach
    void start() {
        lab = new LbLab();
        lab.startServer(0);
        object = LbObjects.load(Hook.XDP, true);
        engine = new LbEngine((service, backend, healthy, reason) -> {});
        engine.attach(object::map);
        // One backend, b1, behind the LB's lb-b1.
        engine.putService(new VirtualService("web", InetAddress.ofLiteral(LbLab.VIP), 80, Protocol.TCP, Algorithm.ROUND_ROBIN,
                List.of(new Backend(InetAddress.ofLiteral(lab.backendAddresses.getFirst()), LbLab.BACKEND_PORT, 1)), HealthCheck.NONE));
    }

    @AfterEach
    void stop() {
        lab.close();
        object.close();
    }

    @Test
    void aBackendWhoseVethPeerLostGroIsReachedThroughTheKernelUntilGroIsBack() {
        lab.attach(object, Hook.XDP);
        int backendSide = NetNs.ifindex(lab.lb, "lb-b1");
        awaitRedirectTarget(backendSide, true);
        awaitRedirectTarget(NetNs.ifindex(lab.lb, "lb-c"), true);

        long before = egressUnable();
        requests();
        assertEquals(before, egressUnable(), "both directions redirected by XDP while the peers have GRO on");

        gro("off");
        awaitRedirectTarget(backendSide, false);
        before = egressUnable();
        requests();
        long handedToKernel = egressUnable() - before;
        assertTrue(handedToKernel >= 3L * REQUESTS, "the packets towards b1 went to the kernel: " + handedToKernel);

        gro("on");
        awaitRedirectTarget(backendSide, true);
        before = egressUnable();
        requests();
        assertEquals(before, egressUnable(), "redirected again once b1's veth has GRO again");
    }

    @Test
    void anEntryForAnotherDeviceWithTheSameIfindexIsNotRedirectedTo() {
        lab.attach(object, Hook.XDP, false);
        int backendSide = NetNs.ifindex(lab.lb, "lb-b1");
        EgressPorts ports = new EgressPorts();
        ports.attach(object::map);
        // As the monitor of another namespace would write its own device that has lb-b1's ifindex there.
        byte[] otherDevice = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
        NetNs.run(lab.lb, () -> ports.sync(Map.of(backendSide, otherDevice)));

        long before = egressUnable();
        requests();
        assertTrue(egressUnable() - before >= 3L * REQUESTS, "a MAC that is not lb-b1's: handed to the kernel");
    }

    private void requests() {
        NetNs.run(lab.client, () -> {
            for (int i = 0; i < REQUESTS; i++) {
                try {
                    assertEquals("b1", LbLab.get(LbLab.CLIENTS.getFirst(), 80));
                } catch (IOException e) {
                    throw new AssertionError("request " + i + " failed", e);
                }
            }
        });
    }

    private void gro(String state) {
        lab.lab.exec(lab.backends.getFirst(), "ethtool", "-K", "b1", "gro", state);
    }

    private long egressUnable() {
        return engine.counters().get("xdp-egress-unable");
    }

    /** Waits until the stage's devmap holds (or no longer holds) {@code ifindex}. */
    private void awaitRedirectTarget(int ifindex, boolean present) {
        byte[] key = Codec.U32.toBytes(ifindex);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (object.map("lb_egress").lookup(key).isPresent() != present) {
            if (System.nanoTime() > deadline) {
                boolean accepts = NetNs.get(lab.lb, () -> NetDevices.list().stream()
                        .anyMatch(d -> d.ifindex() == ifindex && d.acceptsRedirectedFrames()));
                throw new AssertionError("ifindex " + ifindex + (present ? " never entered" : " never left")
                        + " lb_egress within 5 s (the kernel says it " + (accepts ? "accepts" : "refuses") + " redirected frames)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
