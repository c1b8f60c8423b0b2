package io.deetune.firewall.internal;

/**
 * The fields of an IP packet the firewall looks at, as the stage reads them: what {@link ReferenceMatcher} judges.
 *
 * @param source      4 or 16 bytes
 * @param destination 4 or 16 bytes
 * @param sourcePort  0 when the protocol has no ports
 * @param l4Known     false for a non-first fragment: ports and flags are unknown and match no port or flag rule
 */
record PacketFields(byte[] source, byte[] destination, int protocol, int sourcePort, int destinationPort,
                    int tcpFlags, boolean l4Known) {

    boolean ipv6() {
        return source.length == 16;
    }
}
