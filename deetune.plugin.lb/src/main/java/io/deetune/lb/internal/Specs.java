package io.deetune.lb.internal;

import io.deetune.core.api.ConfigText;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parsing and validation of services and backends, shared by configuration files, commands and the service API.
 * Every error is an {@link LbConfigException} naming the field.
 */
public final class Specs {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private Specs() {}

    /** An IP address literal (never a host name: no DNS lookups in the control path). */
    public static InetAddress address(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new LbConfigException(field, "missing IP address");
        }
        String literal = text.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new LbConfigException(field, "'" + text + "' is not an IP address");
        }
    }

    public static int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new LbConfigException(field, "port " + port + " is outside 1..65535");
        }
        return port;
    }

    public static int port(String field, String text) {
        try {
            return port(field, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new LbConfigException(field, "'" + text + "' is not a port number");
        }
    }

    public static int weight(String field, int weight) {
        if (weight < 0) {
            throw new LbConfigException(field, "weight " + weight + " is negative (0 drains the backend)");
        }
        if (weight > LbLimits.MAX_WEIGHT) {
            throw new LbConfigException(field, "weight " + weight + " is above the maximum " + LbLimits.MAX_WEIGHT);
        }
        return weight;
    }

    /** {@code address:port} or {@code [ipv6]:port}. */
    public static InetAddressAndPort endpoint(String field, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || (t.indexOf(':') != colon && !t.startsWith("["))) {
            throw new LbConfigException(field, "'" + text + "' is not address:port (IPv6 as [address]:port)");
        }
        return new InetAddressAndPort(address(field, t.substring(0, colon)), port(field, t.substring(colon + 1)));
    }

    public record InetAddressAndPort(InetAddress address, int port) {}

    /** A backend as configuration files write it: {@code address:port} with an optional {@code weight=N}. */
    public static Backend backend(String field, String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            throw new LbConfigException(field, "empty backend (expected address:port [weight=N])");
        }
        InetAddressAndPort endpoint = endpoint(field, parts[0]);
        int weight = 1;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("weight=")) {
                throw new LbConfigException(field, "unknown backend option '" + parts[i] + "' (expected weight=N)");
            }
            try {
                weight = Integer.parseInt(parts[i].substring("weight=".length()));
            } catch (NumberFormatException e) {
                throw new LbConfigException(field + ".weight", "'" + parts[i] + "' is not a number");
            }
        }
        return new Backend(endpoint.address(), endpoint.port(), weight(field + ".weight", weight));
    }

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    /**
     * The entries of a list-valued configuration property however it arrived: one value per entry (a typed array, as
     * {@code .config} files and the web console give it), comma separated in one string (as a Karaf {@code .cfg}
     * line gives it: {@code backends = 10.0.1.2:80, 10.0.1.3:80 weight=2}), or as a {@code ["...", "..."]} literal.
     */
    public static List<String> entries(String[] values) {
        List<String> entries = new ArrayList<>();
        for (String value : values == null ? new String[0] : values) {
            String v = value == null ? "" : value.trim();
            if (v.startsWith("[") && v.endsWith("]") && v.substring(1).trim().startsWith("\"")) {
                java.util.regex.Matcher quoted = QUOTED.matcher(v);
                while (quoted.find()) {
                    entries.add(quoted.group(1).trim());
                }
            } else {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        entries.add(part.trim());
                    }
                }
            }
        }
        return entries;
    }

    /** Checks one service on its own; collisions with other services are checked by the engine. */
    public static VirtualService validate(VirtualService service) {
        if (service.name() == null || !NAME.matcher(service.name()).matches()) {
            throw new LbConfigException("name", "'" + service.name() + "' is not a service name (letters, digits, '.', '_', '-'; at most 63)");
        }
        String where = "service '" + service.name() + "'";
        try {
            if (service.vip() == null) {
                throw new LbConfigException("vip", "missing");
            }
            port("port", service.port());
            if (service.protocol() == null) {
                throw new LbConfigException("protocol", "missing (tcp or udp)");
            }
            if (service.algorithm() == null) {
                throw new LbConfigException("algorithm", "missing");
            }
            if (service.backends().size() > LbLimits.MAX_BACKENDS_PER_SERVICE) {
                throw new LbConfigException("backends", service.backends().size() + " backends; at most "
                        + LbLimits.MAX_BACKENDS_PER_SERVICE + " per service");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < service.backends().size(); i++) {
                Backend backend = service.backends().get(i);
                String field = "backends[" + i + "]";
                if (backend.address() == null) {
                    throw new LbConfigException(field + ".address", "missing");
                }
                if (Wire.family(backend.address()) != Wire.family(service.vip())) {
                    throw new LbConfigException(field + ".address", backend.address().getHostAddress()
                            + " is not of the VIP's address family (" + service.vip().getHostAddress() + ")");
                }
                port(field + ".port", backend.port());
                weight(field + ".weight", backend.weight());
                if (!seen.add(backend.endpoint())) {
                    throw new LbConfigException(field, "backend " + backend.endpoint() + " is listed twice");
                }
            }
            if (service.snat() != null && Wire.family(service.snat()) != Wire.family(service.vip())) {
                throw new LbConfigException("snat", service.snat().getHostAddress() + " is not of the VIP's address family ("
                        + service.vip().getHostAddress() + ")");
            }
            healthCheck(service.healthCheck());
        } catch (LbConfigException e) {
            throw e.within(where);
        }
        return service;
    }

    private static void healthCheck(HealthCheck check) {
        if (check == null) {
            throw new LbConfigException("healthCheck", "missing");
        }
        if (!List.of("none", "tcp", "http").contains(check.type())) {
            throw new LbConfigException("healthCheck.type", "unknown health check '" + check.type() + "' (expected none, tcp or http)");
        }
        if (check.intervalMillis() <= 0) {
            throw new LbConfigException("healthCheck.interval", "must be above 0 ms, is " + check.intervalMillis());
        }
        if (check.timeoutMillis() <= 0) {
            throw new LbConfigException("healthCheck.timeout", "must be above 0 ms, is " + check.timeoutMillis());
        }
        if (check.fall() < 1 || check.rise() < 1) {
            throw new LbConfigException("healthCheck.fall/rise", "thresholds must be at least 1");
        }
        if ("http".equals(check.type()) && (check.path() == null || !check.path().startsWith("/"))) {
            throw new LbConfigException("healthCheck.path", "'" + check.path() + "' does not start with '/'");
        }
        healthPath(check.path());
    }

    /**
     * The path goes into the probe's request line and into the service's .cfg file: it must be one token of printable
     * ASCII (no line break, which would add headers to the probe or lines to the file; no blank, which would end the
     * request target). Other characters are written percent-encoded ({@code %20}).
     */
    static void healthPath(String path) {
        if (path == null) {
            return;
        }
        String problem = ConfigText.controlCharacterProblem(path);
        if (problem != null) {
            throw new LbConfigException("healthCheck.path", problem);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == ' ' || c > 0x7e) {
                throw new LbConfigException("healthCheck.path", "'" + path + "' has " + (c == ' ' ? "a blank" : "'" + c + "'")
                        + " at position " + (i + 1) + " (write it percent-encoded, e.g. %20)");
            }
        }
    }

    /** Builds a service from the flat values of a configuration or a command (no source translation). */
    public static VirtualService service(String name, String vip, int port, String protocol, String algorithm,
                                         String[] backends, HealthCheck healthCheck) {
        return service(name, vip, port, protocol, algorithm, backends, healthCheck, null);
    }

    /** Builds a service from the flat values of a configuration or a command; {@code snat} null or blank: none. */
    public static VirtualService service(String name, String vip, int port, String protocol, String algorithm,
                                         String[] backends, HealthCheck healthCheck, String snat) {
        try {
            List<Backend> list = new ArrayList<>();
            List<String> given = entries(backends);
            for (int i = 0; i < given.size(); i++) {
                list.add(backend("backends[" + i + "]", given.get(i)));
            }
            return validate(new VirtualService(name, address("vip", vip), port, Protocol.parse(protocol),
                    Algorithm.parse(algorithm), list, healthCheck, snat == null || snat.isBlank() ? null : address("snat", snat)));
        } catch (LbConfigException e) {
            throw e.field().startsWith("service '") ? e : e.within("service '" + name + "'");
        }
    }
}
