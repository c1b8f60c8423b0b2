package io.deetune.firewall.internal;

import io.deetune.core.api.Stage;
import io.deetune.core.api.StageMaps;
import io.deetune.firewall.Action;
import io.deetune.firewall.BlockedEntry;
import io.deetune.firewall.Blocklist;
import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firewall stage: contributes firewall.bpf.o to the XDP pipelines (or firewall_tc.bpf.o to the tc-ingress ones,
 * configured by {@code deetune.stage.hook}), and is the {@link Firewall} and {@link Blocklist} services other bundles
 * and the commands reach it as. The rules and the default policy are a {@link RuleBook}, which installs every accepted
 * change atomically into the stage's {@link RuleTables}; the blocklist is a {@link BlocklistState} over the stage's
 * {@link BlocklistTable}. A timer re-reads the rules file when it changes and runs the {@link BlocklistSweep}.
 *
 * <p>One lock, this component's monitor, guards all of it: the rule book and the blocklist state are called only
 * under it. The sweep fetches the trie under it and walks it without; {@link RuleTables} and {@link BlocklistTable}
 * also lock themselves, for the sweep and for the kernel's "blocklist in use" bit they share.
 */
@Component(service = {Stage.class, Blocklist.class, Firewall.class}, configurationPid = Firewall.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Stage.NAME + "=firewall", Stage.PRIORITY + ":Integer=200", Stage.HOOK + "=xdp"})
@Designate(ocd = FirewallConfig.class)
public final class FirewallStage implements Stage, Blocklist, Firewall {

    static final String PID = Firewall.PID;
    static final String OBJECT = "bpf/firewall.bpf.o";
    /** The same stage for the tc-ingress hook (firewall_tc.bpf.c). */
    static final String TC_OBJECT = "bpf/firewall_tc.bpf.o";
    private static final Logger LOG = LoggerFactory.getLogger(FirewallStage.class);

    private volatile byte[] object;
    /** How often the rules file is checked for changes and the blocklist for entries due to be purged. */
    private static final long TICK_SECONDS = 1;
    /** Runs the rules-file watch and the blocklist purge; shut down on deactivate. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("deetune-firewall-timer").daemon(true).factory());
    private final RuleBook rules = new RuleBook(this::install);
    private final BlocklistState blocklist = new BlocklistState();
    /** The stage's rule tables; null while the stage is not loaded. */
    private RuleTables tables;

    @Activate
    public FirewallStage(FirewallConfig config) {
        configure(config);
        timer.scheduleWithFixedDelay(this::reloadRulesFile, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(new BlocklistSweep(this::blocklistTable, TICK_SECONDS),
                TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    @Modified
    void modified(FirewallConfig config) {
        configure(config);
    }

    @Deactivate
    public void deactivate() {
        timer.shutdownNow();
    }

    /** Applies a configuration; a bad one is logged and leaves the rule set in force. */
    private synchronized void configure(FirewallConfig config) {
        // The object follows the hook whatever happens to the rules: the core loads it into the pipelines of the
        // hook this configuration gives the service (an unknown hook is refused by the core, named in its log).
        object = Stage.bundleResource(FirewallStage.class,
                "tc-ingress".equals(config.deetune_stage_hook().trim()) ? TC_OBJECT : OBJECT);
        rules.configure(config.default_policy(), config.rules_file());
    }

    private synchronized void reloadRulesFile() {
        rules.reloadIfChanged();
    }

    private synchronized BlocklistTable blocklistTable() {
        return blocklist.table();
    }

    /** The rule book's installer: into the stage's tables once they exist (before, the rule set waits for load). */
    private void install(CompiledRuleSet compiled) {
        if (tables != null) {
            tables.install(compiled);
        }
    }

    // ---- Stage ----

    @Override
    public byte[] object() {
        return object.clone();
    }

    @Override
    public String program() {
        return "firewall";
    }

    @Override
    public synchronized void loaded(StageMaps maps) {
        tables = new RuleTables(maps);
        blocklist.attach(new BlocklistTable(maps.map("fw_blocklist"), tables));
        RuleSet ruleSet = rules.ruleSet();
        tables.install(RuleCompiler.compile(ruleSet));
        blocklist.writePending();
        LOG.info("firewall rule set installed: {} rules, default {}", ruleSet.rules().size(), ruleSet.defaultPolicy());
    }

    @Override
    public synchronized void unloading(StageMaps maps) {
        if (tables != null) {
            tables.close();
        }
        tables = null;
        blocklist.detach();
    }

    // ---- Firewall ----

    @Override
    public synchronized FirewallStatus status() {
        return StatusSnapshot.of(rules.ruleSet(), counters(), drops(), rules.lastError());
    }

    @Override
    public synchronized java.util.Optional<String> rulesFileText() {
        return rules.fileText();
    }

    @Override
    public synchronized void replaceRulesFile(String text, boolean dryRun) {
        rules.replaceFile(text, dryRun);
    }

    @Override
    public synchronized int addRule(String text) {
        return rules.add(text);
    }

    @Override
    public synchronized boolean removeRule(int number) {
        return rules.remove(number);
    }

    @Override
    public synchronized List<Integer> commandRuleNumbers() {
        return rules.commandRuleNumbers();
    }

    @Override
    public synchronized void policy(Action newPolicy) {
        rules.policy(newPolicy);
    }

    @Override
    public synchronized Action policy() {
        return rules.policy();
    }

    /** The rule set in force, in rank order. */
    synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    /** The error of the last configuration or rules file that was refused, or null. */
    synchronized String lastError() {
        return rules.lastError();
    }

    /** Counters per rank (the last is the default policy); empty while the stage is not loaded. */
    synchronized List<RuleCounter> counters() {
        return tables == null ? List.of() : tables.counters();
    }

    /** Packets dropped as malformed, as blocklisted and as tiny fragments (in that order), or null while not loaded. */
    synchronized long[] drops() {
        return tables == null ? null
                : new long[] {tables.drops(FirewallConsts.DROP_MALFORMED), tables.drops(FirewallConsts.DROP_BLOCKED),
                        tables.drops(FirewallConsts.DROP_TINY_FRAGMENT)};
    }

    // ---- Blocklist ----

    @Override
    public void block(String cidr) {
        block(Cidr.parse(cidr), null);
    }

    @Override
    public String check(String cidr) {
        return Cidr.parse(cidr).toString();
    }

    @Override
    public void block(String cidr, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("block duration must be positive, not " + duration);
        }
        block(Cidr.parse(cidr), duration);
    }

    private synchronized void block(Cidr cidr, Duration duration) {
        blocklist.block(cidr, duration);
    }

    @Override
    public synchronized boolean unblock(String cidr) {
        return blocklist.unblock(Cidr.parse(cidr));
    }

    @Override
    public synchronized List<BlockedEntry> entries() {
        return blocklist.entries();
    }
}
