package io.deetune.lb.internal;

/**
 * Mirrors lb_consts.h; LbStructsTest checks the map sizes that follow from them against the object. LB_LEAST_CONN_MAX
 * is the API's {@link io.deetune.lb.VirtualService#MAX_BACKENDS}, the most backends a service may have.
 */
final class LbLimits {

    static final int MAX_SERVICES = 128;
    static final int MAX_BACKENDS = 4096;
    /** Slots per service ring; a prime because it is also the Maglev table size. */
    static final int RING_SIZE = 16381;

    private LbLimits() {}
}
