package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import io.deetune.firewall.Action;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct fw_rule_set}, the value of fw_sets (one per bank): the number of rules, the default policy, the
 * generation, and each family's tuples in search order (at most {@link FirewallConsts#MAX_TUPLES}; the rest of the
 * arrays is zero).
 */
record RuleSetEntry(int ruleCount, Action defaultAction, long generation, List<TupleEntry> v4, List<TupleEntry> v6) {

    /** Where the v4[] and v6[] arrays start: after rule_count, default_action, generation, v4_count, v6_count. */
    static final int V4_OFFSET = 24;
    static final int V6_OFFSET = V4_OFFSET + FirewallConsts.MAX_TUPLES * TupleEntry.IPV4.size();

    RuleSetEntry {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
        if (v4.size() > FirewallConsts.MAX_TUPLES || v6.size() > FirewallConsts.MAX_TUPLES) {
            throw new IllegalArgumentException("a rule set has at most " + FirewallConsts.MAX_TUPLES + " tuples per family, not "
                    + v4.size() + " IPv4 and " + v6.size() + " IPv6");
        }
    }

    static final Codec<RuleSetEntry> CODEC = new Codec<>() {
        @Override public int size() { return V6_OFFSET + FirewallConsts.MAX_TUPLES * TupleEntry.IPV6.size(); }

        @Override public void encode(RuleSetEntry value, ByteBuffer out) {
            int start = out.position();
            out.putInt(value.ruleCount()).putInt(FirewallConsts.actionCode(value.defaultAction())).putLong(value.generation());
            out.putInt(value.v4().size()).putInt(value.v6().size());
            out.position(start + V4_OFFSET);
            value.v4().forEach(tuple -> TupleEntry.IPV4.encode(tuple, out));
            out.position(start + V6_OFFSET);
            value.v6().forEach(tuple -> TupleEntry.IPV6.encode(tuple, out));
            out.position(start + size());
        }

        @Override public RuleSetEntry decode(ByteBuffer in) {
            int start = in.position();
            int ruleCount = in.getInt();
            Action defaultAction = FirewallConsts.action(in.getInt());
            long generation = in.getLong();
            int v4Count = in.getInt();
            int v6Count = in.getInt();
            in.position(start + V4_OFFSET);
            List<TupleEntry> v4 = new ArrayList<>(v4Count);
            for (int i = 0; i < v4Count; i++) {
                v4.add(TupleEntry.IPV4.decode(in));
            }
            in.position(start + V6_OFFSET);
            List<TupleEntry> v6 = new ArrayList<>(v6Count);
            for (int i = 0; i < v6Count; i++) {
                v6.add(TupleEntry.IPV6.decode(in));
            }
            in.position(start + size());
            return new RuleSetEntry(ruleCount, defaultAction, generation, v4, v6);
        }
    };
}
