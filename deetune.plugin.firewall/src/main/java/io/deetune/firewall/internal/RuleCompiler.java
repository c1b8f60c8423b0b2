package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a rule set to the tuple-space tables of the stage (see firewall_classify.h for why tuple-space search):
 * groups the rules of each family by {@link Tuple}, orders the tuples by the best (lowest) rank they hold so the
 * kernel can stop early, and makes one exact-match entry per rule and family.
 */
public final class RuleCompiler {

    private RuleCompiler() {}

    /** @throws RuleException when a family needs more tuples than the stage searches */
    public static CompiledRuleSet compile(RuleSet ruleSet) {
        return new CompiledRuleSet(ruleSet, compileFamily(ruleSet, false), compileFamily(ruleSet, true));
    }

    private static CompiledRuleSet.Family compileFamily(RuleSet ruleSet, boolean ipv6) {
        // Insertion order = order of first (best) rank, since the rules come in rank order.
        Map<Tuple, List<Integer>> tuples = new LinkedHashMap<>();
        List<Rule> rules = ruleSet.rules();
        for (int rank = 0; rank < rules.size(); rank++) {
            Rule rule = rules.get(rank);
            if (ipv6 ? rule.ipv6() : rule.ipv4()) {
                tuples.computeIfAbsent(Tuple.of(rule, ipv6), t -> new ArrayList<>()).add(rank);
            }
        }
        if (tuples.size() > FirewallConsts.MAX_TUPLES) {
            throw new RuleException("the rule set has " + tuples.size() + " distinct " + (ipv6 ? "IPv6" : "IPv4")
                    + " rule shapes (combinations of prefix lengths, protocol given or not, port range, TCP flags mask);"
                    + " the stage searches at most " + FirewallConsts.MAX_TUPLES + ": use fewer distinct prefix lengths or port ranges");
        }
        Codec<RuleKey> keyCodec = RuleKey.of(ipv6);
        List<TupleEntry> tupleEntries = new ArrayList<>(tuples.size());
        List<byte[]> keys = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        Set<KeyBytes> seen = new HashSet<>();
        int index = 0;
        for (Map.Entry<Tuple, List<Integer>> entry : tuples.entrySet()) {
            Tuple tuple = entry.getKey();
            tupleEntries.add(tuple.entry(entry.getValue().getFirst()));
            for (int rank : entry.getValue()) {
                Rule rule = rules.get(rank);
                byte[] key = keyCodec.toBytes(tuple.key(rule, index));
                // The same key twice means the same match: the better-ranked rule (seen first) shadows the other.
                if (seen.add(new KeyBytes(key))) {
                    keys.add(key);
                    ranks.add(rank);
                    values.add(RuleValue.CODEC.toBytes(new RuleValue(rank, rule.action(), RuleCounter.ZERO)));
                }
            }
            index++;
        }
        return new CompiledRuleSet.Family(tupleEntries, keys, ranks, values);
    }

    /** A rule key as a hash-set element. */
    private record KeyBytes(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyBytes k && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
