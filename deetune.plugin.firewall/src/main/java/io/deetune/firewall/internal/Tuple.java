package io.deetune.firewall.internal;

import java.nio.ByteBuffer;

/**
 * The shape of a rule: what a tuple of the tuple-space search is. Rules of one shape differ only in the values of
 * the matched fields, so they are exact-match entries of one hash table (keyed by the tuple and the masked fields).
 * A port range is part of the shape, not of the key: rules sharing a range share a tuple.
 */
record Tuple(boolean ipv6, int sourcePrefix, int destinationPrefix, boolean protocol, int flagsMask,
             int sourcePortMode, PortRange sourcePorts, int destinationPortMode, PortRange destinationPorts) {

    static Tuple of(Rule rule, boolean ipv6) {
        return new Tuple(ipv6,
                rule.source() == null ? 0 : rule.source().prefixLength(),
                rule.destination() == null ? 0 : rule.destination().prefixLength(),
                rule.protocol() != Protocols.ANY,
                rule.tcpFlags().mask(),
                mode(rule.sourcePort()), rangeOrNull(rule.sourcePort()),
                mode(rule.destinationPort()), rangeOrNull(rule.destinationPort()));
    }

    /** Only a true range belongs to the shape; a single port is part of the key. */
    private static PortRange rangeOrNull(PortRange ports) {
        return ports.any() || ports.single() ? null : ports;
    }

    private static int mode(PortRange range) {
        return range.any() ? BpfLayout.PORT_ANY : range.single() ? BpfLayout.PORT_EXACT : BpfLayout.PORT_RANGE;
    }

    /** The key of {@code rule} in tuple number {@code index} of its family's rule table (struct fw_key4 or fw_key6). */
    byte[] key(Rule rule, int index) {
        int addressBytes = ipv6 ? 16 : 4;
        ByteBuffer key = BpfLayout.buffer(ipv6 ? BpfLayout.KEY6_SIZE : BpfLayout.KEY4_SIZE);
        key.put((byte) index);
        key.put((byte) (protocol ? rule.protocol() : 0));
        key.put((byte) rule.tcpFlags().value());
        key.put((byte) 0);
        BpfLayout.putNetworkShort(key, sourcePortMode == BpfLayout.PORT_EXACT ? rule.sourcePort().low() : 0);
        BpfLayout.putNetworkShort(key, destinationPortMode == BpfLayout.PORT_EXACT ? rule.destinationPort().low() : 0);
        key.put(rule.source() == null ? new byte[addressBytes] : rule.source().address());
        key.put(rule.destination() == null ? new byte[addressBytes] : rule.destination().address());
        return key.array();
    }

    /** struct fw_tuple4 or fw_tuple6: the shape, then the prefix masks. */
    void encode(ByteBuffer out, int bestRank) {
        int bits = ipv6 ? 128 : 32;
        out.putShort((short) (sourcePorts == null ? 0 : sourcePorts.low()));
        out.putShort((short) (sourcePorts == null ? 0 : sourcePorts.high()));
        out.putShort((short) (destinationPorts == null ? 0 : destinationPorts.low()));
        out.putShort((short) (destinationPorts == null ? 0 : destinationPorts.high()));
        out.putInt(bestRank);
        out.put((byte) (protocol ? 0xff : 0));
        out.put((byte) flagsMask);
        out.put((byte) sourcePortMode);
        out.put((byte) destinationPortMode);
        out.put(mask(bits, sourcePrefix));
        out.put(mask(bits, destinationPrefix));
    }

    private static byte[] mask(int bits, int prefix) {
        byte[] mask = new byte[bits / 8];
        for (int bit = 0; bit < prefix; bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }
}
