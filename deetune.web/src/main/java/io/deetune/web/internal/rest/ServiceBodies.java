package io.deetune.web.internal.rest;

import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.Endpoint;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The JSON shapes of the load balancer's resources, and their conversion to and from the LB's API records. A value
 * the LB refuses becomes a 422 that names the field as the body has it ({@code backends[1].port}).
 */
public final class ServiceBodies {

    /** A backend as the API shows and takes it. */
    public record BackendBody(String address, Integer port, Integer weight) {}

    /** A health check as the API shows and takes it; absent fields take the defaults of {@link HealthCheck}. */
    public record HealthCheckBody(String type, String path, Long intervalMillis, Long timeoutMillis, Integer fall, Integer rise) {}

    /**
     * A service as the API shows and takes it; {@code agentPort}, {@code agentIntervalMillis} and
     * {@code slowStartMillis} are its {@link LoadFeedback}, named as in its cfg file (absent: none, and the defaults).
     */
    public record ServiceBody(String name, String vip, Integer port, String protocol, String algorithm,
                              List<BackendBody> backends, HealthCheckBody healthCheck, String snat,
                              Integer agentPort, Long agentIntervalMillis, Long slowStartMillis) {}

    /** The body of a weight change. */
    public record WeightBody(Integer weight) {}

    private ServiceBodies() {}

    static InetAddress address(String field, String text) {
        return checked(() -> Endpoint.address(field, text));
    }

    /** Runs {@code step}; the load balancer's refusal becomes a 422 that names the field as the body has it. */
    static <T> T checked(Supplier<T> step) {
        try {
            return step.get();
        } catch (LbConfigException e) {
            throw ApiException.invalid(bodyField(e.field()), e.reason());
        }
    }

    /** {@code service 'web'.backends[1].port} is {@code backends[1].port} of the body. */
    static String bodyField(String field) {
        if (field.startsWith("service '")) {
            int dot = field.indexOf("'.", 9);
            return dot < 0 ? "name" : field.substring(dot + 2);
        }
        return field;
    }

    static VirtualService service(ServiceBody body, String pathName) {
        String name = body.name();
        if (pathName != null) {
            if (name != null && !name.equals(pathName)) {
                throw ApiException.invalid("name", "'" + name + "' differs from the service of the path '" + pathName + "'");
            }
            name = pathName;
        }
        if (name == null) {
            throw ApiException.invalid("name", "missing");
        }
        String serviceName = name;
        if (body.port() == null) {
            throw ApiException.invalid("port", "missing");
        }
        InetAddress vip = address("vip", body.vip());
        Protocol protocol = checked(() -> body.protocol() == null ? Protocol.TCP : parse("protocol", () -> Protocol.parse(body.protocol())));
        Algorithm algorithm = checked(() -> body.algorithm() == null ? Algorithm.ROUND_ROBIN
                : parse("algorithm", () -> Algorithm.parse(body.algorithm())));
        List<Backend> backends = new ArrayList<>();
        List<BackendBody> given = body.backends() == null ? List.of() : body.backends();
        for (int i = 0; i < given.size(); i++) {
            backends.add(backend("backends[" + i + "].", given.get(i)));
        }
        InetAddress snat = body.snat() == null || body.snat().isBlank() ? null : address("snat", body.snat());
        HealthCheck health = healthCheck(body.healthCheck());
        LoadFeedback none = LoadFeedback.NONE;
        LoadFeedback feedback = new LoadFeedback(body.agentPort() == null ? none.agentPort() : body.agentPort(),
                body.agentIntervalMillis() == null ? none.agentIntervalMillis() : body.agentIntervalMillis(),
                body.slowStartMillis() == null ? none.slowStartMillis() : body.slowStartMillis());
        VirtualService service = new VirtualService(serviceName, vip, body.port(), protocol, algorithm, backends, health, snat, feedback);
        checked(service::validate);
        return service;
    }

    static Backend backend(String prefix, BackendBody body) {
        if (body == null) {
            throw ApiException.invalid(prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), "missing backend");
        }
        InetAddress address = address(prefix + "address", body.address());
        if (body.port() == null) {
            throw ApiException.invalid(prefix + "port", "missing");
        }
        if (body.port() < 1 || body.port() > 65535) {
            throw ApiException.invalid(prefix + "port", "port " + body.port() + " is outside 1..65535");
        }
        int weight = body.weight() == null ? 1 : body.weight();
        checked(() -> Backend.checkWeight(prefix + "weight", weight));
        return new Backend(address, body.port(), weight);
    }

    static HealthCheck healthCheck(HealthCheckBody body) {
        if (body == null || body.type() == null || body.type().equalsIgnoreCase("none")) {
            return HealthCheck.NONE;
        }
        HealthCheck d = HealthCheck.NONE;
        long interval = body.intervalMillis() == null ? d.intervalMillis() : body.intervalMillis();
        long timeout = body.timeoutMillis() == null ? d.timeoutMillis() : body.timeoutMillis();
        int fall = body.fall() == null ? d.fall() : body.fall();
        int rise = body.rise() == null ? d.rise() : body.rise();
        return switch (body.type().toLowerCase(Locale.ROOT)) {
            case "tcp" -> HealthCheck.tcp(interval, timeout, fall, rise);
            case "http" -> HealthCheck.http(body.path() == null ? "/" : body.path(), interval, timeout, fall, rise);
            default -> throw ApiException.invalid("healthCheck.type", "'" + body.type() + "' is not a health check (none, tcp or http)");
        };
    }

    static <T> T parse(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (LbConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new LbConfigException(field, e.getMessage());
        }
    }

    static ServiceBody body(VirtualService s) {
        HealthCheck h = s.healthCheck();
        return new ServiceBody(s.name(), s.vip().getHostAddress(), s.port(), s.protocol().name().toLowerCase(Locale.ROOT),
                s.algorithm().id(),
                s.backends().stream().map(b -> new BackendBody(b.address().getHostAddress(), b.port(), b.weight())).toList(),
                new HealthCheckBody(h.type(), h.path(), h.intervalMillis(), h.timeoutMillis(), h.fall(), h.rise()),
                s.snat() == null ? null : s.snat().getHostAddress(),
                s.feedback().agent() ? s.feedback().agentPort() : null, s.feedback().agent() ? s.feedback().agentIntervalMillis() : null,
                s.feedback().slowStart() ? s.feedback().slowStartMillis() : null);
    }
}
