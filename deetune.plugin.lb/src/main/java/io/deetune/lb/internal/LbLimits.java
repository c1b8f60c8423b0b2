package io.deetune.lb.internal;

/** Mirrors lb_consts.h; LbStructsTest checks the map sizes that follow from them against the object. */
final class LbLimits {

    static final int MAX_SERVICES = 128;
    static final int MAX_BACKENDS = 4096;
    /** Slots per service ring; a prime because it is also the Maglev table size. */
    static final int RING_SIZE = 16381;
    /** Backends per service (least-connections compares at most this many in the kernel). */
    static final int MAX_BACKENDS_PER_SERVICE = 64;
    /** Largest weight; keeps weighted rings inside RING_SIZE without losing proportions. */
    static final int MAX_WEIGHT = 1000;

    private LbLimits() {}
}
