package io.deetune.lb;

/**
 * A backend as the load balancer sees it now.
 *
 * @param healthy          passes its health check (always true without one)
 * @param activeFlows      live flows bound to it
 * @param agent            its agent's answer in force (e.g. {@code 75% ready}), null without an agent or an answer;
 *                         since 1.4
 * @param effectiveWeight  the weight new flows are shared by now: the configured weight times the agent's share
 *                         times the slow-start ramp (round-robin counts every backend as weight 1); since 1.4
 * @param slowStartPercent how far its slow start has come, 100 when it is not ramping; since 1.4
 */
public record BackendStatus(Backend backend, boolean healthy, long packets, long bytes, long newFlows, long activeFlows,
                            String agent, double effectiveWeight, int slowStartPercent) {

    /** A backend at its configured weight, without agent or slow start. */
    public BackendStatus(Backend backend, boolean healthy, long packets, long bytes, long newFlows, long activeFlows) {
        this(backend, healthy, packets, bytes, newFlows, activeFlows, null, backend.weight(), 100);
    }
}
