package io.deetune.lb;

/**
 * A backend as the load balancer sees it now.
 *
 * @param healthy     passes its health check (always true without one)
 * @param activeFlows live flows bound to it
 */
public record BackendStatus(Backend backend, boolean healthy, long packets, long bytes, long newFlows, long activeFlows) {}
