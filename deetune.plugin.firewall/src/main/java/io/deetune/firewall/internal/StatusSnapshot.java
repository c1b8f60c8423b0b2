package io.deetune.firewall.internal;

import io.deetune.firewall.Drops;
import io.deetune.firewall.FirewallRule;
import io.deetune.firewall.FirewallStatus;
import io.deetune.firewall.RuleHits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link FirewallStatus} of a rule set and the counters read from its tables. */
final class StatusSnapshot {

    private StatusSnapshot() {}

    /**
     * @param counters  per rank, then the default policy's (see {@link RuleTables#counters()}); empty when not loaded
     * @param drops     malformed, blocked, tiny fragments (see {@link FirewallStage#drops()}); null when not loaded
     * @param lastError the error of the last refused configuration, or null
     */
    static FirewallStatus of(RuleSet ruleSet, List<RuleCounter> counters, long[] drops, String lastError) {
        List<Rule> rules = ruleSet.rules();
        List<FirewallRule> entries = new ArrayList<>(rules.size());
        for (int rank = 0; rank < rules.size(); rank++) {
            Rule rule = rules.get(rank);
            entries.add(new FirewallRule(rule.toSyntax(), rule.origin(), hits(counters, rank)));
        }
        return new FirewallStatus(entries, ruleSet.defaultPolicy(), hits(counters, rules.size()),
                drops == null ? Optional.empty() : Optional.of(new Drops(drops[0], drops[1], drops[2])),
                Optional.ofNullable(lastError));
    }

    private static Optional<RuleHits> hits(List<RuleCounter> counters, int index) {
        if (index >= counters.size()) {
            return Optional.empty();
        }
        RuleCounter c = counters.get(index);
        return Optional.of(new RuleHits(c.packets(), c.bytes(), c.lastHitNanos()));
    }
}
