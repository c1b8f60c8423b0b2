package io.deetune.lb.internal;

import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.Hook;

/**
 * Every test of {@link LbDataPlaneTest} again on the tc-ingress program (lb_tc.bpf.c), with the skb a test run
 * makes (CHECKSUM_NONE: full checksums, updated in full). {@link LbTcCompleteChecksumDataPlaneTest} runs them with
 * a whole-packet checksum; partial checksums (CHECKSUM_PARTIAL, GSO or not), which a test run cannot make, are
 * {@link LbTxOffloadNamespaceTest}'s.
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
}
