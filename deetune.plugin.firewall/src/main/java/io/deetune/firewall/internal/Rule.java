package io.deetune.firewall.internal;

import io.deetune.firewall.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * One firewall rule. {@code null} addresses and {@link Protocols#ANY} match everything; a rule without addresses
 * and with a protocol of both families (or any) applies to IPv4 and IPv6.
 *
 * @param priority explicit priority (lower is checked first), or {@code null}: then the rule comes after every rule
 *                 with a priority, in the order it was given
 * @param origin   where the rule came from, for messages: {@code rules.conf:12} or {@code command #3}
 */
public record Rule(Action action, Integer priority, Cidr source, Cidr destination, int protocol,
                   PortRange sourcePort, PortRange destinationPort, TcpFlags tcpFlags, String origin) {

    /** Whether the rule can match IPv4 packets. */
    public boolean ipv4() {
        return family() != 6;
    }

    /** Whether the rule can match IPv6 packets. */
    public boolean ipv6() {
        return family() != 4;
    }

    /** 4, 6, or 0 for both. */
    public int family() {
        if (source != null) {
            return source.ipv6() ? 6 : 4;
        }
        if (destination != null) {
            return destination.ipv6() ? 6 : 4;
        }
        return protocol == Protocols.ICMP ? 4 : protocol == Protocols.ICMPV6 ? 6 : 0;
    }

    /** Whether the rule needs the L4 header (ports or TCP flags), which a non-first fragment lacks. */
    public boolean needsL4() {
        return !sourcePort.any() || !destinationPort.any() || !tcpFlags.none();
    }

    /** Whether some packet could match both rules. */
    public boolean overlaps(Rule other) {
        return (ipv4() && other.ipv4() || ipv6() && other.ipv6())
                && (source == null || other.source == null || source.overlaps(other.source))
                && (destination == null || other.destination == null || destination.overlaps(other.destination))
                && (protocol == Protocols.ANY || other.protocol == Protocols.ANY || protocol == other.protocol)
                && sourcePort.overlaps(other.sourcePort) && destinationPort.overlaps(other.destinationPort)
                && tcpFlags.overlaps(other.tcpFlags);
    }

    /** The rule in the rules-file syntax (what the parser reads back to an equal rule). */
    public String toSyntax() {
        List<String> parts = new ArrayList<>();
        parts.add(action.toString());
        if (priority != null) {
            parts.add("priority " + priority);
        }
        if (protocol != Protocols.ANY) {
            parts.add("proto " + Protocols.name(protocol));
        }
        if (source != null) {
            parts.add("src " + source);
        }
        if (destination != null) {
            parts.add("dst " + destination);
        }
        if (!sourcePort.any()) {
            parts.add("sport " + sourcePort);
        }
        if (!destinationPort.any()) {
            parts.add("dport " + destinationPort);
        }
        if (!tcpFlags.none()) {
            parts.add("flags " + tcpFlags);
        }
        return String.join(" ", parts);
    }

    @Override
    public String toString() {
        return toSyntax() + " (" + origin + ")";
    }
}
