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

    /** {@code address:port} ({@code [address]:port} for IPv6), as commands print and accept it. */
    public String endpoint() {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public Backend withWeight(int newWeight) {
        return new Backend(address, port, newWeight);
    }
}
