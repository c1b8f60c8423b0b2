package io.deetune.lb.internal;

/**
 * The data-plane counters of lb_counters.h ({@code enum lb_counter}, same order), by the names
 * {@link io.deetune.lb.LoadBalancer#counters()} and {@code lb:stats} give them.
 */
enum LbCounter {
    IPV6_ROUTED("ipv6-routed-onward", "IPv6 packets whose routing header had segments left: not balanced"),
    HALF_OPEN("half-open", "TCP flows opened by a SYN into the half-open table"),
    ESTABLISHED("established", "half-open flows established: the backend answered, the client acknowledged"),
    HALF_OPEN_EXPIRED("half-open-expired", "packets of a half-open flow past the half-open timeout (the flow counts as gone)"),
    SNAT_EXHAUSTED("snat-ports-exhausted", "new flows dropped: every probed SNAT port towards the backend is held"),
    TUPLE_HELD("tuple-held", "new flows dropped: another service's live flow holds the same backend-side tuple"),
    REPLY_ORPHANED("reply-orphaned", "replies dropped: their client flow is gone, so no rewrite is right"),
    BIND_FAILED("bind-failed", "new flows dropped: the connection tables refused the entry"),
    EGRESS_UNABLE("xdp-egress-unable", "routed packets handed to the kernel: their egress interface does not take XDP-redirected frames");

    /** Slots of lb_counters (LB_COUNTER_MAX). */
    static final int SLOTS = 16;

    final String key;
    final String description;

    LbCounter(String key, String description) {
        this.key = key;
        this.description = description;
    }
}
