package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.TestRunResult;
import io.deetune.core.api.StageMaps;
import io.deetune.firewall.Action;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The firewall stage loaded standalone (no pipeline yet): the real object from the bundle's resources, its maps
 * seen through {@link StageMaps} as the core will hand them over, and the tables that fill them. With an empty
 * deetune_next slot, a packet the stage lets through ends in XDP_PASS. Public for the commands' tests.
 */
public final class LoadedStage implements AutoCloseable {

    final BpfObject object;
    final BpfProgram program;
    public final StageMaps maps;
    final RuleTables tables;
    final BlocklistTable blocklist;

    public LoadedStage() {
        this(FirewallStage.OBJECT);
    }

    /** {@code resource}: {@link FirewallStage#OBJECT} (XDP) or {@link FirewallStage#TC_OBJECT} (tc). */
    LoadedStage(String resource) {
        object = BpfObject.open(LoadedStage.class, resource).load();
        program = object.program("firewall");
        maps = new StageMaps() {
            @Override public String stage() { return "firewall"; }
            @Override public BpfMap map(String name) { return object.map(name); }
            @Override public Set<String> names() {
                return object.mapDefinitions().keySet().stream().filter(n -> n.startsWith("fw_")).collect(Collectors.toSet());
            }
        };
        tables = new RuleTables(maps);
        blocklist = new BlocklistTable(maps.map("fw_blocklist"), tables);
    }

    /** Compiles and installs {@code rules} (rules-file syntax) with {@code policy}; returns the rule set. */
    RuleSet install(String rules, Action policy) {
        RuleSet set = RuleSet.of(RuleParser.parse(rules, "test.rules"), policy);
        tables.install(RuleCompiler.compile(set));
        return set;
    }

    /**
     * The stage's verdict on one frame: XDP_PASS (allowed; end of an empty chain) or XDP_DROP; for the tc object
     * TC_ACT_UNSPEC (-1, tcx "next": allowed, end of an empty chain) or TC_ACT_SHOT (2).
     */
    public int verdict(byte[] frame) {
        return program.testRun(frame).retval();
    }

    TestRunResult run(byte[] frame, int repeat) {
        return program.testRun(frame, repeat);
    }

    @Override
    public void close() {
        tables.close();
        object.close();
    }
}
