package io.deetune.lb.internal;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.TcDirection;
import io.deetune.bpf.XdpMode;
import io.deetune.core.api.Hook;
import java.util.Map;

/** Opens the stage's objects as the bundle ships them: lb.bpf.o (XDP) and lb_tc.bpf.o (tc ingress). */
final class LbObjects {

    private LbObjects() {}

    static BpfObject open() {
        return open(Hook.XDP);
    }

    static BpfObject open(Hook hook) {
        return BpfObject.open(LbEngine.class, LbStage.objectPath(hook));
    }

    /** The stage program's name in the object of {@code hook}. */
    static String program(Hook hook) {
        return LbStage.programName(hook);
    }

    /** Attaches the stage's program of {@code hook} to {@code ifname} of {@code namespace}: native XDP, or tcx ingress. */
    static BpfLink attach(BpfObject object, Hook hook, String namespace, String ifname) {
        BpfProgram program = object.program(program(hook));
        return NetNs.get(namespace, () -> hook == Hook.TC_INGRESS
                ? program.attachTcx(NetNs.ifindexHere(ifname, namespace), TcDirection.INGRESS)
                : program.attachXdp(NetNs.ifindexHere(ifname, namespace), XdpMode.NATIVE));
    }

    /** The XDP object, loaded (see {@link #load(Hook, boolean)}). */
    static BpfObject load(boolean fibRedirect) {
        return load(Hook.XDP, fibRedirect);
    }

    /** Loaded, forwarding by XDP_PASS / TC_ACT_UNSPEC (no routing in BPF_PROG_TEST_RUN) or by fib lookup + redirect. */
    static BpfObject load(Hook hook, boolean fibRedirect) {
        return load(hook, fibRedirect, Map.of());
    }

    /** {@link #load(Hook, boolean)} with the sizes of some of its maps set (e.g. small connection tables). */
    static BpfObject load(Hook hook, boolean fibRedirect, Map<String, Integer> maxEntries) {
        BpfObject object = open(hook);
        try {
            object.setConstant("lb_fib_redirect", new byte[] {(byte) (fibRedirect ? 1 : 0)});
            maxEntries.forEach(object::setMaxEntries);
            return object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }
}
