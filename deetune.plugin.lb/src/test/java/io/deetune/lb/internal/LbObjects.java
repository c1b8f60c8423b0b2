package io.deetune.lb.internal;

import io.deetune.bpf.BpfObject;
import io.deetune.core.api.Hook;

/** Opens the stage's objects as the bundle ships them: lb.bpf.o (XDP) and lb_tc.bpf.o (tc ingress). */
final class LbObjects {

    private LbObjects() {}

    static BpfObject open() {
        return open(Hook.XDP);
    }

    static BpfObject open(Hook hook) {
        return BpfObject.open(LbEngine.class, hook == Hook.TC_INGRESS ? LbStage.TC_OBJECT : LbStage.OBJECT);
    }

    /** The stage program's name in the object of {@code hook}. */
    static String program(Hook hook) {
        return hook == Hook.TC_INGRESS ? LbStage.TC_PROGRAM : LbStage.PROGRAM;
    }

    /** The XDP object, loaded (see {@link #load(Hook, boolean)}). */
    static BpfObject load(boolean fibRedirect) {
        return load(Hook.XDP, fibRedirect);
    }

    /** Loaded, forwarding by XDP_PASS / TC_ACT_OK (no routing in BPF_PROG_TEST_RUN) or by fib lookup + redirect. */
    static BpfObject load(Hook hook, boolean fibRedirect) {
        BpfObject object = open(hook);
        try {
            object.setConstant("lb_fib_redirect", new byte[] {(byte) (fibRedirect ? 1 : 0)});
            return object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }
}
