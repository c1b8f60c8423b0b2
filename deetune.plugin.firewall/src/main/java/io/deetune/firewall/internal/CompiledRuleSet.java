package io.deetune.firewall.internal;

import java.util.List;

/**
 * A rule set compiled to the stage's tables: the encoded struct fw_rule_set (tuples, default policy) and the
 * entries of the rule table.
 *
 * @param ruleSet  what was compiled (rank i is {@code ruleSet.rules().get(i)})
 * @param v4Tuples tuples of IPv4, in search order
 * @param v6Tuples tuples of IPv6, in search order
 * @param keys     struct fw_rule_key entries
 * @param values   struct fw_rule_value entries, one per key
 */
public record CompiledRuleSet(RuleSet ruleSet, int v4Tuples, int v6Tuples, List<byte[]> keys, List<byte[]> values,
                              byte[] encodedTuplesV4, byte[] encodedTuplesV6) {

    public int ruleCount() {
        return ruleSet.rules().size();
    }

    /** struct fw_rule_set for this rule set. */
    public byte[] encodeRuleSet(long generation) {
        var out = BpfLayout.buffer(BpfLayout.RULE_SET_SIZE);
        out.putInt(ruleCount());
        out.putInt(ruleSet.defaultPolicy().ordinal());
        out.putLong(generation);
        out.putInt(v4Tuples).putInt(0).put(encodedTuplesV4);
        out.position(BpfLayout.RULE_SET_V6_OFFSET);
        out.putInt(v6Tuples).putInt(0).put(encodedTuplesV6);
        return out.array();
    }
}
