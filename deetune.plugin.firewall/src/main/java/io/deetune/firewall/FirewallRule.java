package io.deetune.firewall;

import java.util.Optional;

/**
 * A rule of the rule set in force.
 *
 * @param rule   the rule in the rules-file syntax ({@code deny priority 10 proto tcp src 10.0.0.0/8 dport 22})
 * @param origin where it comes from: file and line ({@code firewall.rules:12}) or command ({@code command #3}, the
 *               number {@link Firewall#removeRule} takes)
 * @param hits   its hits; empty while the stage is not loaded into any pipeline
 */
public record FirewallRule(String rule, String origin, Optional<RuleHits> hits) {}
