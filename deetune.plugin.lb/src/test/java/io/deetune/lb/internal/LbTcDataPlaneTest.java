package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.Btf;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Protocol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link LbDataPlaneTest} again on the tc-ingress program (lb_tc.bpf.c), and what only an skb has:
 * a GRO-merged packet whose L4 checksum the segmentation completes later.
 */
class LbTcDataPlaneTest extends LbDataPlaneTest {


    @Override
    Hook hook() {
        return Hook.TC_INGRESS;
    }

    @Override
    int passed() {
        return TestRunResult.TC_ACT_UNSPEC;
    }

    /** An skb test run wants the whole IP header (the kernel reads it to set the skb up); XDP's cover the rest. */
    @Override
    int shortestCut(byte[] frame) {
        return 14 + (Packets.isIpv6(frame) ? 40 : 20);
    }

    @Override
    int dropped() {
        return TestRunResult.TC_ACT_SHOT;
    }

    /** An {@code __sk_buff} that says "GRO merged two segments of 1,000 bytes" (its layout from the object's BTF). */
    private byte[] mergedContext() {
        Btf.StructLayout skb = object.btf().struct("__sk_buff").orElseThrow();
        byte[] context = new byte[skb.size()];
        ByteBuffer b = ByteBuffer.wrap(context).order(ByteOrder.nativeOrder());
        b.putInt(skb.offsets().get("gso_segs"), 2);
        b.putInt(skb.offsets().get("gso_size"), 1000);
        return context;
    }

    private byte[] runMerged(byte[] frame) {
        TestRunResult result = program.testRun(frame, mergedContext(), 1);
        assertEquals(TestRunResult.TC_ACT_UNSPEC, result.retval());
        return result.output();
    }

    @Test
    void aGroMergedPacketKeepsAPartialChecksumOfItsNewAddresses() {
        engine.putService(service("web", VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("10.1.0.1")));
        engine.putService(service("web6", "fd00::100", 443, Protocol.TCP, Algorithm.ROUND_ROBIN, List.of("fd00:1::1")));
        for (List<String> flow : List.of(List.of(CLIENT, VIP, "80", "10.1.0.1"), List.of("fd00:9::1", "fd00::100", "443", "fd00:1::1"))) {
            String client = flow.get(0);
            String vip = flow.get(1);
            int port = Integer.parseInt(flow.get(2));
            String backend = flow.get(3);
            run(Packets.tcp(client, 40000, vip, port, TCP_SYN, new byte[0]));
            byte[] request = Packets.tcp(client, 40000, vip, port, TCP_ACK, new byte[2000]);
            Packets.setPartialChecksum(request);
            byte[] out = runMerged(request);
            assertEquals(ip(backend), Packets.destinationAddress(out));
            assertEquals(8080, Packets.destinationPort(out));
            assertTrue(Packets.ipv4ChecksumOk(out), "IPv4 header checksum");
            // The pseudo header's sum for the new addresses; the new port is the segmentation's to add.
            assertEquals(Packets.partialChecksum(out), Packets.l4ChecksumField(out), "partial checksum towards " + backend);

            byte[] reply = Packets.tcp(backend, 8080, client, 40000, TCP_ACK, new byte[2000]);
            Packets.setPartialChecksum(reply);
            byte[] back = runMerged(reply);
            assertEquals(ip(vip), Packets.sourceAddress(back));
            assertEquals(port, Packets.sourcePort(back));
            assertEquals(Packets.partialChecksum(back), Packets.l4ChecksumField(back), "partial checksum back from " + vip);
        }
    }
}
