package io.deetune.lb;

import java.net.InetAddress;
import java.util.List;

/**
 * A virtual service: clients connect to {@code vip:port} over {@code protocol}; new flows go to one of
 * {@code backends} by {@code algorithm}.
 *
 * @param snat null, or the load balancer's own address that backends see as the source of every flow (for
 *             topologies where backends would not route their replies back through the load balancer)
 */
public record VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                             List<Backend> backends, HealthCheck healthCheck, InetAddress snat) {

    public VirtualService {
        backends = List.copyOf(backends);
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
    }

    /** A service whose backends route their replies through the load balancer (no source translation). */
    public VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                          List<Backend> backends, HealthCheck healthCheck) {
        this(name, vip, port, protocol, algorithm, backends, healthCheck, null);
    }

    /** {@code vip:port/protocol}, e.g. {@code 10.0.0.100:80/tcp}. */
    public String endpoint() {
        String host = vip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + protocol.name().toLowerCase();
    }

    public VirtualService withBackends(List<Backend> newBackends) {
        return new VirtualService(name, vip, port, protocol, algorithm, newBackends, healthCheck, snat);
    }
}
