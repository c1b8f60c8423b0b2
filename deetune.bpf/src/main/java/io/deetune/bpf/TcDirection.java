package io.deetune.bpf;

/** The side of an interface a TC program runs on, as tcx attach types of the kernel (6.6 and later). */
public enum TcDirection {
    INGRESS(46),
    EGRESS(47);

    private final int attachType;

    TcDirection(int attachType) {
        this.attachType = attachType;
    }

    /** The kernel's {@code BPF_TCX_INGRESS}/{@code BPF_TCX_EGRESS} (libbpf 1.1's headers predate them). */
    public int attachType() {
        return attachType;
    }
}
