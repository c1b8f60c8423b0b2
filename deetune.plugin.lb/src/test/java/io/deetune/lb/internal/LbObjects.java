package io.deetune.lb.internal;

import io.deetune.bpf.BpfObject;

/** Opens the stage's object as the bundle ships it. */
final class LbObjects {

    private LbObjects() {}

    static BpfObject open() {
        return BpfObject.open(LbEngine.class, "bpf/lb.bpf.o");
    }

    /** Loaded, forwarding by XDP_PASS (no routing in BPF_PROG_TEST_RUN) or by fib lookup + redirect. */
    static BpfObject load(boolean fibRedirect) {
        BpfObject object = open();
        try {
            object.setConstant("lb_fib_redirect", new byte[] {(byte) (fibRedirect ? 1 : 0)});
            return object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }
}
