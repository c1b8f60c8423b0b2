package io.deetune.lb.internal;

/**
 * The data-plane counters of lb_counters.h ({@code enum lb_counter}, same order), by the names
 * {@link io.deetune.lb.LoadBalancer#counters()} and {@code lb:stats} give them.
 */
enum LbCounter {
    IPV6_ROUTED("ipv6-routed-onward", "IPv6 packets whose routing header had segments left: not balanced");

    /** Slots of lb_counters (LB_COUNTER_MAX). */
    static final int SLOTS = 8;

    final String key;
    final String description;

    LbCounter(String key, String description) {
        this.key = key;
        this.description = description;
    }
}
