package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import io.deetune.bpf.MapType;
import io.deetune.bpf.TypedMap;
import io.deetune.core.api.StageMaps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Installs compiled rule sets into the stage's maps with an atomic switch (see firewall_maps.h): the new rule tables
 * (one per family, per-CPU hashes whose values carry each CPU's hit counters) are created beside the active ones,
 * filled with batch updates and put into the idle bank, the idle bank's default-policy counters are zeroed, and one
 * update of fw_active makes every later packet use them. The tables of the bank replaced are freed by the kernel
 * once no program run holds them.
 *
 * <p>The idle bank's fw_sets and fw_defaults entries are rewritten in place; the only packets that could still read
 * them are those that read fw_active before the previous switch, and a program run lasts microseconds while building
 * the next rule set takes milliseconds of system calls, so none is left by then.
 */
public final class RuleTables implements AutoCloseable {

    private final TypedMap<Integer, Integer> active;
    private final TypedMap<Integer, RuleSetEntry> sets;
    /** The outer maps: bank -> the fd of that bank's rule table. */
    private final TypedMap<Integer, Integer> ruleTables4;
    private final TypedMap<Integer, Integer> ruleTables6;
    private final TypedMap<Integer, RuleCounter> defaults;
    private final TypedMap<Integer, Long> drops;
    /** Our handles of each bank's rule tables, for the counters (the outer maps hold the kernel's references). */
    private final BpfMap[] tables4 = new BpfMap[FirewallConsts.BANKS];
    private final BpfMap[] tables6 = new BpfMap[FirewallConsts.BANKS];
    private CompiledRuleSet installed;

    public RuleTables(StageMaps maps) {
        this.active = maps.map("fw_active").typed(Codec.U32, Codec.U32);
        this.sets = maps.map("fw_sets").typed(Codec.U32, RuleSetEntry.CODEC);
        this.ruleTables4 = maps.map("fw_rule_tables4").typed(Codec.U32, Codec.U32);
        this.ruleTables6 = maps.map("fw_rule_tables6").typed(Codec.U32, Codec.U32);
        this.defaults = maps.map("fw_defaults").typed(Codec.U32, RuleCounter.CODEC);
        this.drops = maps.map("fw_drops").typed(Codec.U32, Codec.U64);
    }

    /** Makes {@code compiled} the rule set that judges packets, in one map update. */
    public synchronized void install(CompiledRuleSet compiled) {
        int idle = 1 - activeBank();
        long generation = generation(activeBank()) + 1;
        BpfMap rules4 = null;
        BpfMap rules6 = null;
        try {
            rules4 = ruleTable("fw_rules4", RuleKey.IPV4, compiled.v4());
            rules6 = ruleTable("fw_rules6", RuleKey.IPV6, compiled.v6());
            ruleTables4.put(idle, rules4.fd());
            ruleTables6.put(idle, rules6.fd());
            byte[][] zero = new byte[BpfMap.possibleCpus()][];
            Arrays.fill(zero, RuleCounter.CODEC.toBytes(RuleCounter.ZERO));
            defaults.map().updatePerCpu(Codec.U32.toBytes(idle), zero, BpfMap.ANY);
            sets.put(idle, compiled.ruleSetEntry(generation));
            // The switch: from here on every packet is judged by the new rule set.
            active.put(0, idle | (activeWord() & FirewallConsts.ACTIVE_BLOCKLIST));
        } catch (RuntimeException e) {
            closeQuietly(rules4);
            closeQuietly(rules6);
            throw e;
        }
        closeQuietly(tables4[idle]);
        closeQuietly(tables6[idle]);
        tables4[idle] = rules4;
        tables6[idle] = rules6;
        installed = compiled;
    }

    private static BpfMap ruleTable(String name, Codec<RuleKey> keys, CompiledRuleSet.Family family) {
        BpfMap table = BpfMap.create(MapType.PERCPU_HASH, name, keys.size(), RuleValue.CODEC.size(),
                Math.max(1, family.keys().size()), 0);
        try {
            table.updateBatchEveryCpu(family.keys(), family.values(), BpfMap.ANY);
            return table;
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    private static void closeQuietly(BpfMap map) {
        if (map != null) {
            map.close();
        }
    }

    /** The rule set installed through this object, or null. */
    public synchronized CompiledRuleSet installed() {
        return installed;
    }

    public int activeBank() {
        return activeWord() & FirewallConsts.ACTIVE_BANK;
    }

    private int activeWord() {
        return active.get(0).orElseThrow();
    }

    /** Whether the stage looks packets up in the blocklist. */
    public boolean blocklistInUse() {
        return (activeWord() & FirewallConsts.ACTIVE_BLOCKLIST) != 0;
    }

    /** Tells the stage whether the blocklist holds any entry; while it holds none, packets skip its lookup. */
    public synchronized void blocklistInUse(boolean inUse) {
        int word = activeWord();
        int next = inUse ? word | FirewallConsts.ACTIVE_BLOCKLIST : word & ~FirewallConsts.ACTIVE_BLOCKLIST;
        if (next != word) {
            active.put(0, next);
        }
    }

    /** The generation of the rule set in force (0 before the first install). */
    public long generation() {
        return generation(activeBank());
    }

    private long generation(int bank) {
        return sets.get(bank).orElseThrow().generation();
    }

    /**
     * Counters of the installed rule set summed over CPUs (and over a rule's keys in both families): index = rank,
     * the last one is the default policy. Empty when nothing was installed through this object.
     */
    public synchronized List<RuleCounter> counters() {
        if (installed == null) {
            return List.of();
        }
        int bank = activeBank();
        int rules = installed.ruleCount();
        RuleCounter[] counters = new RuleCounter[rules + 1];
        Arrays.fill(counters, RuleCounter.ZERO);
        BpfMap[][] tables = {tables4, tables6};
        CompiledRuleSet.Family[] families = {installed.v4(), installed.v6()};
        for (int f = 0; f < families.length; f++) {
            List<byte[]> keys = families[f].keys();
            for (int i = 0; i < keys.size(); i++) {
                int rank = families[f].ranks().get(i);
                tables[f][bank].lookupPerCpu(keys.get(i)).ifPresent(values -> {
                    for (byte[] value : values) {
                        counters[rank] = counters[rank].plus(RuleValue.CODEC.fromBytes(value).counter());
                    }
                });
            }
        }
        defaults.getSummed(bank, RuleCounter::plus).ifPresent(sum -> counters[rules] = counters[rules].plus(sum));
        return new ArrayList<>(Arrays.asList(counters));
    }

    /** Packets dropped for a reason other than a rule: {@link FirewallConsts#DROP_BLOCKED},
     * {@link FirewallConsts#DROP_MALFORMED}, {@link FirewallConsts#DROP_TINY_FRAGMENT}. */
    public long drops(int reason) {
        return drops.getSummed(reason, Long::sum).orElse(0L);
    }

    @Override
    public synchronized void close() {
        for (int bank = 0; bank < FirewallConsts.BANKS; bank++) {
            closeQuietly(tables4[bank]);
            closeQuietly(tables6[bank]);
            tables4[bank] = null;
            tables6[bank] = null;
        }
    }
}
