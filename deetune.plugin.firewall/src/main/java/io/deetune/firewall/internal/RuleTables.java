package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.MapType;
import io.deetune.core.api.StageMaps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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

    private final BpfMap active;
    private final BpfMap sets;
    private final BpfMap ruleTables4;
    private final BpfMap ruleTables6;
    private final BpfMap defaults;
    private final BpfMap drops;
    /** Our handles of each bank's rule tables, for the counters (the outer maps hold the kernel's references). */
    private final BpfMap[] tables4 = new BpfMap[BpfLayout.BANKS];
    private final BpfMap[] tables6 = new BpfMap[BpfLayout.BANKS];
    private CompiledRuleSet installed;

    public RuleTables(StageMaps maps) {
        this.active = maps.map("fw_active");
        this.sets = maps.map("fw_sets");
        this.ruleTables4 = maps.map("fw_rule_tables4");
        this.ruleTables6 = maps.map("fw_rule_tables6");
        this.defaults = maps.map("fw_defaults");
        this.drops = maps.map("fw_drops");
    }

    /** Makes {@code compiled} the rule set that judges packets, in one map update. */
    public synchronized void install(CompiledRuleSet compiled) {
        int idle = 1 - activeBank();
        long generation = generation(activeBank()) + 1;
        BpfMap rules4 = null;
        BpfMap rules6 = null;
        try {
            rules4 = ruleTable("fw_rules4", BpfLayout.KEY4_SIZE, compiled.v4());
            rules6 = ruleTable("fw_rules6", BpfLayout.KEY6_SIZE, compiled.v6());
            ruleTables4.update(BpfLayout.u32(idle), BpfLayout.u32(rules4.fd()));
            ruleTables6.update(BpfLayout.u32(idle), BpfLayout.u32(rules6.fd()));
            byte[][] zero = new byte[BpfMap.possibleCpus()][BpfLayout.RULE_COUNTER_SIZE];
            defaults.updatePerCpu(BpfLayout.u32(idle), zero, BpfMap.ANY);
            sets.update(BpfLayout.u32(idle), compiled.encodeRuleSet(generation));
            // The switch: from here on every packet is judged by the new rule set.
            active.update(BpfLayout.u32(0), BpfLayout.u32(idle | (activeWord() & BpfLayout.ACTIVE_BLOCKLIST)));
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

    private static BpfMap ruleTable(String name, int keySize, CompiledRuleSet.Family family) {
        BpfMap table = BpfMap.create(MapType.PERCPU_HASH, name, keySize, BpfLayout.RULE_VALUE_SIZE,
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
        return activeWord() & BpfLayout.ACTIVE_BANK;
    }

    private int activeWord() {
        return ByteBuffer.wrap(active.lookup(BpfLayout.u32(0)).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** Whether the stage looks packets up in the blocklist. */
    public boolean blocklistInUse() {
        return (activeWord() & BpfLayout.ACTIVE_BLOCKLIST) != 0;
    }

    /** Tells the stage whether the blocklist holds any entry; while it holds none, packets skip its lookup. */
    public synchronized void blocklistInUse(boolean inUse) {
        int word = activeWord();
        int next = inUse ? word | BpfLayout.ACTIVE_BLOCKLIST : word & ~BpfLayout.ACTIVE_BLOCKLIST;
        if (next != word) {
            active.update(BpfLayout.u32(0), BpfLayout.u32(next));
        }
    }

    /** The generation of the rule set in force (0 before the first install). */
    public long generation() {
        return generation(activeBank());
    }

    private long generation(int bank) {
        return ByteBuffer.wrap(sets.lookup(BpfLayout.u32(bank)).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
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
        long[] packets = new long[rules + 1];
        long[] bytes = new long[rules + 1];
        long[] last = new long[rules + 1];
        BpfMap[][] tables = {tables4, tables6};
        CompiledRuleSet.Family[] families = {installed.v4(), installed.v6()};
        for (int f = 0; f < families.length; f++) {
            List<byte[]> keys = families[f].keys();
            for (int i = 0; i < keys.size(); i++) {
                int rank = families[f].ranks().get(i);
                tables[f][bank].lookupPerCpu(keys.get(i)).ifPresent(values -> add(values, 8, rank, packets, bytes, last));
            }
        }
        defaults.lookupPerCpu(BpfLayout.u32(bank)).ifPresent(values -> add(values, 0, rules, packets, bytes, last));
        List<RuleCounter> result = new ArrayList<>(rules + 1);
        for (int i = 0; i <= rules; i++) {
            result.add(new RuleCounter(packets[i], bytes[i], last[i]));
        }
        return result;
    }

    /** Adds the per-CPU struct fw_rule_counter found at {@code offset} of each value to index {@code i}. */
    private static void add(byte[][] perCpu, int offset, int i, long[] packets, long[] bytes, long[] last) {
        for (byte[] value : perCpu) {
            ByteBuffer counter = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).position(offset);
            packets[i] += counter.getLong();
            bytes[i] += counter.getLong();
            last[i] = Math.max(last[i], counter.getLong());
        }
    }

    /** Packets dropped for a reason other than a rule: {@link BpfLayout#DROP_BLOCKED}, {@link BpfLayout#DROP_MALFORMED},
     * {@link BpfLayout#DROP_TINY_FRAGMENT}. */
    public long drops(int reason) {
        return drops.lookupPerCpu(BpfLayout.u32(reason)).map(values -> {
            long sum = 0;
            for (byte[] v : values) {
                sum += ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            return sum;
        }).orElse(0L);
    }

    @Override
    public synchronized void close() {
        for (int bank = 0; bank < BpfLayout.BANKS; bank++) {
            closeQuietly(tables4[bank]);
            closeQuietly(tables6[bank]);
            tables4[bank] = null;
            tables6[bank] = null;
        }
    }

    /** @param lastHitNanos CLOCK_MONOTONIC of the last hit, 0 if none */
    public record RuleCounter(long packets, long bytes, long lastHitNanos) {}
}
