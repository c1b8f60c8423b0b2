package io.deetune.lb;

import io.deetune.core.api.ConfigText;
import java.util.List;

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

    /** Rejects a check that cannot run or could not be saved into a {@code .cfg} file, naming the field. */
    void check() {
        if (!List.of("none", "tcp", "http").contains(type)) {
            throw new LbConfigException("healthCheck.type", "unknown health check '" + type + "' (expected none, tcp or http)");
        }
        if (intervalMillis <= 0) {
            throw new LbConfigException("healthCheck.interval", "must be above 0 ms, is " + intervalMillis);
        }
        if (timeoutMillis <= 0) {
            throw new LbConfigException("healthCheck.timeout", "must be above 0 ms, is " + timeoutMillis);
        }
        if (fall < 1 || rise < 1) {
            throw new LbConfigException("healthCheck.fall/rise", "thresholds must be at least 1");
        }
        if ("http".equals(type) && (path == null || !path.startsWith("/"))) {
            throw new LbConfigException("healthCheck.path", "'" + path + "' does not start with '/'");
        }
        checkPath();
    }

    /**
     * The path goes into the probe's request line and into the service's .cfg file: it must be one token of printable
     * ASCII (no line break, which would add headers to the probe or lines to the file; no blank, which would end the
     * request target). Other characters are written percent-encoded ({@code %20}).
     */
    private void checkPath() {
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
}
