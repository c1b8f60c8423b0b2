package io.deetune.lb;

/**
 * How a service's backends are probed, from inside the load balancer's network namespace.
 *
 * @param type          {@code tcp} (connect), {@code http} (GET {@code path}, any 2xx/3xx is healthy) or {@code none}
 * @param path          HTTP path for {@code http}
 * @param intervalMillis time between probes of one backend
 * @param timeoutMillis  a probe that takes longer fails
 * @param fall           consecutive failures that take a backend out of selection
 * @param rise           consecutive successes that bring it back
 */
public record HealthCheck(String type, String path, long intervalMillis, long timeoutMillis, int fall, int rise) {

    public static final HealthCheck NONE = new HealthCheck("none", "/", 1000, 500, 2, 2);

    public static HealthCheck tcp(long intervalMillis, long timeoutMillis, int fall, int rise) {
        return new HealthCheck("tcp", "/", intervalMillis, timeoutMillis, fall, rise);
    }

    public static HealthCheck http(String path, long intervalMillis, long timeoutMillis, int fall, int rise) {
        return new HealthCheck("http", path, intervalMillis, timeoutMillis, fall, rise);
    }

    public boolean enabled() {
        return !"none".equals(type);
    }
}
