package io.deetune.firewall.internal;

import io.deetune.firewall.Action;
import java.util.Optional;

/**
 * The rule semantics written the plainest way: try the rules in rank order, first match wins. Far too slow for the
 * data plane; it is the oracle the compiled BPF tables are tested against (AgreementTest), so it lives with the tests.
 */
final class ReferenceMatcher {

    private final RuleSet rules;

    ReferenceMatcher(RuleSet rules) {
        this.rules = rules;
    }

    /** The rank of the rule that decides, or empty when the default policy does. */
    Optional<Integer> match(PacketFields packet) {
        for (int rank = 0; rank < rules.rules().size(); rank++) {
            if (matches(rules.rules().get(rank), packet)) {
                return Optional.of(rank);
            }
        }
        return Optional.empty();
    }

    Action decide(PacketFields packet) {
        return match(packet).map(rank -> rules.rules().get(rank).action()).orElse(rules.defaultPolicy());
    }

    static boolean matches(Rule rule, PacketFields packet) {
        if (packet.ipv6() ? !rule.ipv6() : !rule.ipv4()) {
            return false;
        }
        if (rule.source() != null && !rule.source().contains(packet.source())) {
            return false;
        }
        if (rule.destination() != null && !rule.destination().contains(packet.destination())) {
            return false;
        }
        if (rule.protocol() != Protocols.ANY && rule.protocol() != packet.protocol()) {
            return false;
        }
        if (!packet.l4Known()) {
            return !rule.needsL4();
        }
        return rule.sourcePort().contains(packet.sourcePort()) && rule.destinationPort().contains(packet.destinationPort())
                && rule.tcpFlags().matches(packet.tcpFlags());
    }
}
