package io.deetune.lb;

import java.net.InetAddress;
import java.util.List;

/**
 * A virtual service: clients connect to {@code vip:port} over {@code protocol}; new flows go to one of
 * {@code backends} by {@code algorithm}.
 */
public record VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                             List<Backend> backends, HealthCheck healthCheck) {

    public VirtualService {
        backends = List.copyOf(backends);
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
    }

    /** {@code vip:port/protocol}, e.g. {@code 10.0.0.100:80/tcp}. */
    public String endpoint() {
        String host = vip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + protocol.name().toLowerCase();
    }

    public VirtualService withBackends(List<Backend> newBackends) {
        return new VirtualService(name, vip, port, protocol, algorithm, newBackends, healthCheck);
    }
}
