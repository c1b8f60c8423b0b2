package io.deetune.firewall.internal;

import java.util.List;

/**
 * A rule set compiled to the stage's tables: the encoded struct fw_rule_set (tuples, default policy) and, per family,
 * the entries of that family's rule table.
 *
 * @param ruleSet what was compiled (rank i is {@code ruleSet.rules().get(i)})
 * @param v4      the IPv4 tuples and rule-table entries
 * @param v6      the IPv6 tuples and rule-table entries
 */
public record CompiledRuleSet(RuleSet ruleSet, Family v4, Family v6) {

    /**
     * One family's part.
     *
     * @param tuples        tuples, in search order
     * @param keys          struct fw_key4 or fw_key6 entries
     * @param ranks         the rank of the rule each key leads to, one per key
     * @param values        struct fw_rule_value entries (counters zero), one per key
     * @param encodedTuples struct fw_tuple4[] or fw_tuple6[], {@code tuples} of them
     */
    public record Family(int tuples, List<byte[]> keys, List<Integer> ranks, List<byte[]> values, byte[] encodedTuples) {}

    public int ruleCount() {
        return ruleSet.rules().size();
    }

    public int v4Tuples() {
        return v4.tuples();
    }

    public int v6Tuples() {
        return v6.tuples();
    }

    /** struct fw_rule_set for this rule set. */
    public byte[] encodeRuleSet(long generation) {
        var out = BpfLayout.buffer(BpfLayout.RULE_SET_SIZE);
        out.putInt(ruleCount());
        out.putInt(ruleSet.defaultPolicy().ordinal());
        out.putLong(generation);
        out.putInt(v4.tuples()).putInt(v6.tuples());
        out.position(BpfLayout.RULE_SET_V4_OFFSET);
        out.put(v4.encodedTuples());
        out.position(BpfLayout.RULE_SET_V6_OFFSET);
        out.put(v6.encodedTuples());
        return out.array();
    }
}
