package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.MapType;
import io.deetune.core.api.StageMaps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs compiled rule sets into the stage's maps with an atomic switch (see firewall_maps.h): the new rule
 * table and counter table are created beside the active ones, filled with batch updates, put into the idle bank,
 * and one update of fw_active makes every later packet use them. The tables of the bank replaced are freed by the
 * kernel once no program run holds them.
 *
 * <p>The idle bank's fw_sets entry is rewritten in place; the only packets that could still read it are those that
 * read fw_active before the previous switch, and a program run lasts microseconds while building the next rule set
 * takes milliseconds of system calls, so none is left by then.
 */
public final class RuleTables implements AutoCloseable {

    private final BpfMap active;
    private final BpfMap sets;
    private final BpfMap ruleTables;
    private final BpfMap counterTables;
    private final BpfMap drops;
    /** Our handles of each bank's counter table (the outer maps hold the kernel's references). */
    private final BpfMap[] counters = new BpfMap[BpfLayout.BANKS];
    private CompiledRuleSet installed;

    public RuleTables(StageMaps maps) {
        this.active = maps.map("fw_active");
        this.sets = maps.map("fw_sets");
        this.ruleTables = maps.map("fw_rule_tables");
        this.counterTables = maps.map("fw_counter_tables");
        this.drops = maps.map("fw_drops");
    }

    /** Makes {@code compiled} the rule set that judges packets, in one map update. */
    public synchronized void install(CompiledRuleSet compiled) {
        int idle = 1 - activeBank();
        long generation = generation(activeBank()) + 1;
        int cpus = BpfMap.possibleCpus();
        BpfMap rules = BpfMap.create(MapType.HASH, "fw_rules", BpfLayout.RULE_KEY_SIZE, BpfLayout.RULE_VALUE_SIZE,
                Math.max(1, compiled.keys().size()), 0);
        BpfMap counterTable = null;
        try {
            rules.updateBatch(compiled.keys(), compiled.values(), BpfMap.ANY);
            counterTable = BpfMap.create(MapType.ARRAY, "fw_counters", 4, BpfLayout.RULE_COUNTER_SIZE,
                    (compiled.ruleCount() + 1) * cpus, BpfLayout.F_INNER_MAP);
            ruleTables.update(BpfLayout.u32(idle), BpfLayout.u32(rules.fd()));
            counterTables.update(BpfLayout.u32(idle), BpfLayout.u32(counterTable.fd()));
            sets.update(BpfLayout.u32(idle), compiled.encodeRuleSet(generation));
            // The switch: from here on every packet is judged by the new rule set.
            active.update(BpfLayout.u32(0), BpfLayout.u32(idle));
        } catch (RuntimeException e) {
            if (counterTable != null) {
                counterTable.close();
            }
            throw e;
        } finally {
            rules.close();
        }
        if (counters[idle] != null) {
            counters[idle].close();
        }
        counters[idle] = counterTable;
        installed = compiled;
    }

    /** The rule set installed through this object, or null. */
    public synchronized CompiledRuleSet installed() {
        return installed;
    }

    public int activeBank() {
        return ByteBuffer.wrap(active.lookup(BpfLayout.u32(0)).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getInt() & 1;
    }

    /** The generation of the rule set in force (0 before the first install). */
    public long generation() {
        return generation(activeBank());
    }

    private long generation(int bank) {
        return ByteBuffer.wrap(sets.lookup(BpfLayout.u32(bank)).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    /**
     * Counters of the installed rule set summed over CPUs: index = rank, the last one is the default policy. Empty
     * when nothing was installed through this object.
     */
    public synchronized List<RuleCounter> counters() {
        if (installed == null) {
            return List.of();
        }
        BpfMap table = counters[activeBank()];
        int stride = installed.ruleCount() + 1;
        int cpus = table.maxEntries() / stride;
        List<RuleCounter> result = new ArrayList<>(stride);
        for (int rank = 0; rank < stride; rank++) {
            long packets = 0;
            long bytes = 0;
            long last = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                ByteBuffer value = ByteBuffer.wrap(table.lookup(BpfLayout.u32(cpu * stride + rank)).orElseThrow())
                        .order(ByteOrder.LITTLE_ENDIAN);
                packets += value.getLong();
                bytes += value.getLong();
                last = Math.max(last, value.getLong());
            }
            result.add(new RuleCounter(packets, bytes, last));
        }
        return result;
    }

    /** Packets dropped for a reason other than a rule: {@link BpfLayout#DROP_BLOCKED}, {@link BpfLayout#DROP_MALFORMED}. */
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
        for (int bank = 0; bank < counters.length; bank++) {
            if (counters[bank] != null) {
                counters[bank].close();
                counters[bank] = null;
            }
        }
    }

    /** @param lastHitNanos CLOCK_MONOTONIC of the last hit, 0 if none */
    public record RuleCounter(long packets, long bytes, long lastHitNanos) {}
}
