package io.deetune.firewall;

import java.util.List;
import java.util.Optional;

/**
 * The rule set in force and its counters, read at one moment (the hits belong to these rules).
 *
 * @param rules             the rules in the order they are checked: the first that matches a packet decides; the
 *                          rule at index i is rule number i + 1 of {@code firewall:rule-list}
 * @param defaultPolicy     what happens to an IP packet no rule matches
 * @param defaultPolicyHits the packets the default policy decided; empty while the stage is not loaded
 * @param drops             drops for other reasons than a rule; empty while the stage is not loaded
 * @param lastError         why the last configuration or rules file was refused (the rules in force stayed), until
 *                          a change is applied again; empty if none was
 */
public record FirewallStatus(List<FirewallRule> rules, Action defaultPolicy, Optional<RuleHits> defaultPolicyHits,
                             Optional<Drops> drops, Optional<String> lastError) {

    public FirewallStatus {
        rules = List.copyOf(rules);
    }

    /** Whether the stage is loaded into a pipeline (only then are there counters). */
    public boolean loaded() {
        return drops.isPresent();
    }
}
