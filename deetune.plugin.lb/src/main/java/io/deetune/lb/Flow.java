package io.deetune.lb;

import java.net.InetAddress;

/**
 * An entry of the connection table: a client flow to a VIP and the backend it is bound to.
 *
 * @param state   {@code open}, {@code closing} (one side sent FIN) or {@code closed} (both FINs or a RST)
 * @param ageMillis time since the flow's first packet
 * @param idleMillis time since its last packet (either direction, with one second resolution)
 */
public record Flow(String service, Protocol protocol, InetAddress client, int clientPort, InetAddress vip, int vipPort,
                   InetAddress backend, int backendPort, String state, long ageMillis, long idleMillis) {}
