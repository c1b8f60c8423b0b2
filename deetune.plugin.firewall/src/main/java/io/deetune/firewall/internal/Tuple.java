package io.deetune.firewall.internal;

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
        return range.any() ? FirewallConsts.PORT_ANY : range.single() ? FirewallConsts.PORT_EXACT : FirewallConsts.PORT_RANGE;
    }

    /** The key of {@code rule} in tuple number {@code index} of its family's rule table. */
    RuleKey key(Rule rule, int index) {
        int addressBytes = ipv6 ? 16 : 4;
        RuleKeyHead head = new RuleKeyHead(index, protocol ? rule.protocol() : 0, rule.tcpFlags().value(),
                sourcePortMode == FirewallConsts.PORT_EXACT ? rule.sourcePort().low() : 0,
                destinationPortMode == FirewallConsts.PORT_EXACT ? rule.destinationPort().low() : 0);
        return new RuleKey(head, rule.source() == null ? new byte[addressBytes] : rule.source().address(),
                rule.destination() == null ? new byte[addressBytes] : rule.destination().address());
    }

    /** This tuple in a rule set: the shape, then the prefix masks; {@code bestRank} is the best rank of its rules. */
    TupleEntry entry(int bestRank) {
        int bits = ipv6 ? 128 : 32;
        TupleShape shape = new TupleShape(sourcePorts == null ? 0 : sourcePorts.low(), sourcePorts == null ? 0 : sourcePorts.high(),
                destinationPorts == null ? 0 : destinationPorts.low(), destinationPorts == null ? 0 : destinationPorts.high(),
                bestRank, protocol ? 0xff : 0, flagsMask, sourcePortMode, destinationPortMode);
        return new TupleEntry(shape, mask(bits, sourcePrefix), mask(bits, destinationPrefix));
    }

    private static byte[] mask(int bits, int prefix) {
        byte[] mask = new byte[bits / 8];
        for (int bit = 0; bit < prefix; bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }
}
