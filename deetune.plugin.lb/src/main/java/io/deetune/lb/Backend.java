package io.deetune.lb;

import java.net.InetAddress;

/**
 * A backend (real server) of a service.
 *
 * @param address where the server listens (same address family as the VIP)
 * @param port    its port, 1..65535
 * @param weight  relative share of new flows; 0 drains it (no new flows, existing ones finish)
 */
public record Backend(InetAddress address, int port, int weight) {

    /**
     * The largest weight; keeps weighted rings inside the kernel's ring of a service without losing proportions.
     *
     * @since 1.2
     */
    public static final int MAX_WEIGHT = 1000;

    /**
     * A backend as configuration files write it: {@code address:port} with an optional {@code weight=N} (1 without);
     * an error names {@code field}.
     *
     * @since 1.2
     */
    public static Backend parse(String field, String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            throw new LbConfigException(field, "empty backend (expected address:port [weight=N])");
        }
        Endpoint endpoint = Endpoint.parse(field, parts[0]);
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
        return new Backend(endpoint.address(), endpoint.port(), checkWeight(field + ".weight", weight));
    }

    /**
     * Returns {@code weight} if it is one (0 to {@link #MAX_WEIGHT}), else rejects it naming {@code field}.
     *
     * @since 1.2
     */
    public static int checkWeight(String field, int weight) {
        if (weight < 0) {
            throw new LbConfigException(field, "weight " + weight + " is negative (0 drains the backend)");
        }
        if (weight > MAX_WEIGHT) {
            throw new LbConfigException(field, "weight " + weight + " is above the maximum " + MAX_WEIGHT);
        }
        return weight;
    }

    /** {@code address:port} ({@code [address]:port} for IPv6), as commands print and accept it. */
    public String endpoint() {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public Backend withWeight(int newWeight) {
        return new Backend(address, port, newWeight);
    }
}
