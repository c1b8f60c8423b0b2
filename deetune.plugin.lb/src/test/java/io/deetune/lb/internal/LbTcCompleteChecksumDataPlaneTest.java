package io.deetune.lb.internal;

import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.TestRunResult;

/**
 * Every test of {@link LbTcDataPlaneTest} again with skbs whose device summed the whole packet (CHECKSUM_COMPLETE,
 * as many NICs deliver): the kernel checks after each run that {@code skb->csum} still matches the rewritten packet
 * and fails the run (EBADMSG) when it does not.
 */
class LbTcCompleteChecksumDataPlaneTest extends LbTcDataPlaneTest {

    @Override
    TestRunResult run(byte[] frame) {
        return program.testRun(frame, null, 1, BpfProgram.TEST_RUN_SKB_CHECKSUM_COMPLETE);
    }
}
