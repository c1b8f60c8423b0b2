package io.deetune.firewall.internal;

import java.nio.ByteBuffer;
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
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        byte[] v4 = new byte[BpfLayout.MAX_TUPLES * BpfLayout.TUPLE_SIZE];
        byte[] v6 = new byte[BpfLayout.MAX_TUPLES * BpfLayout.TUPLE_SIZE];
        int v4Count = compileFamily(ruleSet, false, keys, values, v4);
        int v6Count = compileFamily(ruleSet, true, keys, values, v6);
        return new CompiledRuleSet(ruleSet, v4Count, v6Count, keys, values, v4, v6);
    }

    private static int compileFamily(RuleSet ruleSet, boolean ipv6, List<byte[]> keys, List<byte[]> values, byte[] tuplesOut) {
        // Insertion order = order of first (best) rank, since the rules come in rank order.
        Map<Tuple, List<Integer>> tuples = new LinkedHashMap<>();
        List<Rule> rules = ruleSet.rules();
        for (int rank = 0; rank < rules.size(); rank++) {
            Rule rule = rules.get(rank);
            if (ipv6 ? rule.ipv6() : rule.ipv4()) {
                tuples.computeIfAbsent(Tuple.of(rule, ipv6), t -> new ArrayList<>()).add(rank);
            }
        }
        if (tuples.size() > BpfLayout.MAX_TUPLES) {
            throw new RuleException("the rule set has " + tuples.size() + " distinct " + (ipv6 ? "IPv6" : "IPv4")
                    + " rule shapes (combinations of prefix lengths, protocol given or not, port range, TCP flags mask);"
                    + " the stage searches at most " + BpfLayout.MAX_TUPLES + ": use fewer distinct prefix lengths or port ranges");
        }
        ByteBuffer out = ByteBuffer.wrap(tuplesOut).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Set<KeyBytes> seen = new HashSet<>();
        int index = 0;
        for (Map.Entry<Tuple, List<Integer>> entry : tuples.entrySet()) {
            Tuple tuple = entry.getKey();
            tuple.encode(out, entry.getValue().getFirst());
            for (int rank : entry.getValue()) {
                Rule rule = rules.get(rank);
                byte[] key = tuple.key(rule, index);
                // The same key twice means the same match: the better-ranked rule (seen first) shadows the other.
                if (seen.add(new KeyBytes(key))) {
                    keys.add(key);
                    values.add(BpfLayout.buffer(BpfLayout.RULE_VALUE_SIZE).putInt(rank).putInt(rule.action().ordinal()).array());
                }
            }
            index++;
        }
        return index;
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
