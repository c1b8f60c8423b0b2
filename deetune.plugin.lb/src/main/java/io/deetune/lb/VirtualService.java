package io.deetune.lb;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A virtual service: clients connect to {@code vip:port} over {@code protocol}; new flows go to one of
 * {@code backends} by {@code algorithm}.
 *
 * @param snat     null, or the load balancer's own address that backends see as the source of every flow (for
 *                 topologies where backends would not route their replies back through the load balancer)
 * @param feedback agent feedback and slow start ({@link LoadFeedback#NONE} when null); since 1.4
 */
public record VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                             List<Backend> backends, HealthCheck healthCheck, InetAddress snat, LoadFeedback feedback) {

    /**
     * Backends a service may have: least-connections compares at most this many in the kernel.
     *
     * @since 1.2
     */
    public static final int MAX_BACKENDS = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public VirtualService {
        backends = List.copyOf(backends);
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
        feedback = feedback == null ? LoadFeedback.NONE : feedback;
    }

    /** A service without agent feedback or slow start. */
    public VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                          List<Backend> backends, HealthCheck healthCheck, InetAddress snat) {
        this(name, vip, port, protocol, algorithm, backends, healthCheck, snat, LoadFeedback.NONE);
    }

    /** A service whose backends route their replies through the load balancer (no source translation). */
    public VirtualService(String name, InetAddress vip, int port, Protocol protocol, Algorithm algorithm,
                          List<Backend> backends, HealthCheck healthCheck) {
        this(name, vip, port, protocol, algorithm, backends, healthCheck, null);
    }

    /**
     * Builds a service from the flat values of a configuration or a command (no source translation).
     *
     * @since 1.2
     * @see #parse(String, String, int, String, String, String[], HealthCheck, String)
     */
    public static VirtualService parse(String name, String vip, int port, String protocol, String algorithm,
                                       String[] backends, HealthCheck healthCheck) {
        return parse(name, vip, port, protocol, algorithm, backends, healthCheck, null);
    }

    /**
     * Builds a service from the flat values of a configuration or a command and {@linkplain #validate validates} it.
     * {@code backends}: one {@link Backend#parse backend} per element, or several comma separated in one (as a Karaf
     * {@code .cfg} line has them); {@code snat} null or blank: none. An error is an {@link LbConfigException} whose
     * field starts with {@code service '<name>'}.
     *
     * @since 1.2
     */
    public static VirtualService parse(String name, String vip, int port, String protocol, String algorithm,
                                       String[] backends, HealthCheck healthCheck, String snat) {
        try {
            List<Backend> list = new ArrayList<>();
            List<String> given = Fields.entries(backends);
            for (int i = 0; i < given.size(); i++) {
                list.add(Backend.parse("backends[" + i + "]", given.get(i)));
            }
            return new VirtualService(name, Fields.address("vip", vip), port, Protocol.parse(protocol),
                    Algorithm.parse(algorithm), list, healthCheck, snat == null || snat.isBlank() ? null : Fields.address("snat", snat))
                    .validate();
        } catch (LbConfigException e) {
            throw e.field().startsWith("service '") ? e : e.within("service '" + name + "'");
        }
    }

    /**
     * Returns this service if it is valid on its own, else rejects it naming the field (collisions with other
     * services are the load balancer's to check).
     *
     * @since 1.2
     */
    public VirtualService validate() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LbConfigException("name", "'" + name + "' is not a service name (letters, digits, '.', '_', '-'; at most 63)");
        }
        try {
            if (vip == null) {
                throw new LbConfigException("vip", "missing");
            }
            Fields.port("port", port);
            if (protocol == null) {
                throw new LbConfigException("protocol", "missing (tcp or udp)");
            }
            if (algorithm == null) {
                throw new LbConfigException("algorithm", "missing");
            }
            if (backends.size() > MAX_BACKENDS) {
                throw new LbConfigException("backends", backends.size() + " backends; at most " + MAX_BACKENDS + " per service");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < backends.size(); i++) {
                Backend backend = backends.get(i);
                String field = "backends[" + i + "]";
                if (backend.address() == null) {
                    throw new LbConfigException(field + ".address", "missing");
                }
                if (!sameFamily(backend.address(), vip)) {
                    throw new LbConfigException(field + ".address", backend.address().getHostAddress()
                            + " is not of the VIP's address family (" + vip.getHostAddress() + ")");
                }
                Fields.port(field + ".port", backend.port());
                Backend.checkWeight(field + ".weight", backend.weight());
                if (!seen.add(backend.endpoint())) {
                    throw new LbConfigException(field, "backend " + backend.endpoint() + " is listed twice");
                }
            }
            if (snat != null && !sameFamily(snat, vip)) {
                throw new LbConfigException("snat", snat.getHostAddress() + " is not of the VIP's address family ("
                        + vip.getHostAddress() + ")");
            }
            healthCheck.check();
            feedback.check();
        } catch (LbConfigException e) {
            throw e.within("service '" + name + "'");
        }
        return this;
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return (a instanceof Inet4Address) == (b instanceof Inet4Address);
    }

    /** {@code vip:port/protocol}, e.g. {@code 10.0.0.100:80/tcp}. */
    public String endpoint() {
        String host = vip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + protocol.name().toLowerCase();
    }

    public VirtualService withBackends(List<Backend> newBackends) {
        return new VirtualService(name, vip, port, protocol, algorithm, newBackends, healthCheck, snat, feedback);
    }

    /**
     * This service with other agent feedback and slow start settings (not validated).
     *
     * @since 1.4
     */
    public VirtualService withFeedback(LoadFeedback newFeedback) {
        return new VirtualService(name, vip, port, protocol, algorithm, backends, healthCheck, snat, newFeedback);
    }
}
