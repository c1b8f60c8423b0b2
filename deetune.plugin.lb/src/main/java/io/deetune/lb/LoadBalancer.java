package io.deetune.lb;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load balancer, as an OSGi service. Every change is validated in full before anything is applied: a rejected
 * change throws {@link LbConfigException} naming the field, and the running configuration stays as it was.
 */
public interface LoadBalancer {

    /** Adds a service, or replaces the one with the same name (its flows stay bound while their backends stay). */
    void putService(VirtualService service);

    /**
     * Checks a service as {@link #putService} would (its fields, and that no other service serves its VIP, port and
     * protocol) without changing anything: the dry run of a change.
     *
     * @throws LbConfigException naming the field at fault
     * @since 1.3
     */
    default void checkService(VirtualService service) {
        service.validate();
    }

    /** Removes a service; returns false if there was none of that name. */
    boolean removeService(String name);

    Optional<VirtualService> service(String name);

    List<VirtualService> services();

    void addBackend(String service, Backend backend);

    boolean removeBackend(String service, InetAddress address, int port);

    /** Sets a backend's weight; 0 drains it. */
    void setWeight(String service, InetAddress address, int port, int weight);

    /** Counters and health of every service and backend. */
    List<ServiceStatus> status();

    /** The connection table, optionally only the flows of one service (null for all). */
    List<Flow> flows(String service);

    /**
     * Counters of data-plane events that belong to no service or backend, by name, in a stable order:
     * {@code ipv6-routed-onward} (IPv6 whose routing header still had segments left, so its destination was a hop:
     * not balanced). Empty where the implementation keeps none.
     *
     * @since 1.1
     */
    default Map<String, Long> counters() {
        return Map.of();
    }
}
