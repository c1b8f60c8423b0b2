package io.deetune.firewall.internal;

import java.util.List;

/**
 * A rule set compiled to the stage's tables: per family, the tuples (for struct fw_rule_set) and the entries of that
 * family's rule table.
 *
 * @param ruleSet what was compiled (rank i is {@code ruleSet.rules().get(i)})
 * @param v4      the IPv4 tuples and rule-table entries
 * @param v6      the IPv6 tuples and rule-table entries
 */
public record CompiledRuleSet(RuleSet ruleSet, Family v4, Family v6) {

    /**
     * One family's part.
     *
     * @param tuples tuples, in search order
     * @param keys   the rule table's keys, encoded ({@link RuleKey}: struct fw_key4 or fw_key6)
     * @param ranks  the rank of the rule each key leads to, one per key
     * @param values the values, encoded ({@link RuleValue}, counters zero), one per key
     */
    public record Family(List<TupleEntry> tuples, List<byte[]> keys, List<Integer> ranks, List<byte[]> values) {}

    public int ruleCount() {
        return ruleSet.rules().size();
    }

    public int v4Tuples() {
        return v4.tuples().size();
    }

    public int v6Tuples() {
        return v6.tuples().size();
    }

    /** The fw_sets entry of this rule set. */
    RuleSetEntry ruleSetEntry(long generation) {
        return new RuleSetEntry(ruleCount(), ruleSet.defaultPolicy(), generation, v4.tuples(), v6.tuples());
    }
}
