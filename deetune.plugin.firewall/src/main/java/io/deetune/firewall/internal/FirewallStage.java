package io.deetune.firewall.internal;

import io.deetune.core.api.ConfigText;
import io.deetune.core.api.Stage;
import io.deetune.core.api.StageMaps;
import io.deetune.firewall.Action;
import io.deetune.firewall.BlockedEntry;
import io.deetune.firewall.Blocklist;
import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * configured by {@code deetune.stage.hook}), keeps the rules (from the rules file and from
 * commands) and the default policy, and installs every accepted change atomically. A rule set with any error is
 * refused whole; the one in force stays. Other bundles and the commands reach it as the {@link Firewall} and
 * {@link Blocklist} services.
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
    private Path rulesFile;
    private FileTime rulesFileTime;
    private List<Rule> fileRules = List.of();
    private final Map<Integer, Rule> commandRules = new LinkedHashMap<>();
    private int nextCommandRule = 1;
    private Action policy = Action.ALLOW;
    private RuleSet ruleSet = RuleSet.EMPTY;
    private String lastError;
    private RuleTables tables;
    private BlocklistTable blocklist;
    /** Blocks requested before the stage's maps exist; written on {@link #loaded}. */
    private final Map<Cidr, Duration> pendingBlocks = new LinkedHashMap<>();

    @Activate
    public FirewallStage(FirewallConfig config) {
        configure(config);
        timer.scheduleWithFixedDelay(this::checkRulesFile, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::purgeBlocklist, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
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
        try {
            Action newPolicy;
            try {
                newPolicy = Action.parse(config.default_policy());
            } catch (IllegalArgumentException e) {
                throw new RuleException(PID + ": default.policy: " + e.getMessage());
            }
            Path file = config.rules_file().isBlank() ? null : resolve(config.rules_file().trim());
            List<Rule> newFileRules = file == null ? List.of() : readRules(file);
            apply(newFileRules, commandRules, newPolicy);
            rulesFile = file;
            rulesFileTime = file == null ? null : modifiedTime(file);
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.error("firewall configuration not applied, the rule set in force stays: {}", ConfigText.escape(e.getMessage()));
        }
    }

    private static Path resolve(String path) {
        ConfigText.requirePrintable("rules.file", path); // it reaches log lines
        Path p = Path.of(path);
        String etc = System.getProperty("karaf.etc");
        return p.isAbsolute() || etc == null ? p : Path.of(etc).resolve(p);
    }

    private static List<Rule> readRules(Path file) {
        try {
            return RuleParser.parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new RuleException("cannot read rules file " + file + ": " + e);
        }
    }

    private static FileTime modifiedTime(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized void checkRulesFile() {
        try {
            if (rulesFile != null && !Objects.equals(modifiedTime(rulesFile), rulesFileTime)) {
                rulesFileTime = modifiedTime(rulesFile);
                apply(readRules(rulesFile), commandRules, policy);
                LOG.info("rules file {} reloaded: {} rules", rulesFile, fileRules.size());
            }
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.error("rules file {} not applied, the rule set in force stays: {}", rulesFile, e.getMessage());
        }
    }

    /**
     * Removes expired blocklist entries once the earliest one is due, so that Blocklist.block(cidr, Duration) callers
     * do not fill the trie, and the stage skips the lookup again once the last entry is gone. Correctness does not
     * wait for it: the stage already steps past expired entries. Outside this component's lock: a walk of a large
     * trie must not hold up the commands.
     */
    private void purgeBlocklist() {
        BlocklistTable table;
        synchronized (this) {
            table = blocklist;
        }
        try {
            if (table != null && table.nextExpiry() <= System.nanoTime()) {
                table.purgeExpired();
            }
        } catch (RuntimeException e) {
            // Logged, not thrown: an exception would cancel the timer's task for good.
            LOG.warn("firewall blocklist purge failed, retried in {} s: {}", TICK_SECONDS, e.getMessage());
        }
    }

    /** Builds, checks, compiles and installs a rule set; on any error nothing changes. */
    private void apply(List<Rule> newFileRules, Map<Integer, Rule> newCommandRules, Action newPolicy) {
        List<Rule> all = new ArrayList<>(newFileRules);
        all.addAll(newCommandRules.values());
        RuleSet candidate = RuleSet.of(all, newPolicy);
        CompiledRuleSet compiled = RuleCompiler.compile(candidate);
        if (tables != null) {
            tables.install(compiled);
        }
        fileRules = List.copyOf(newFileRules);
        if (newCommandRules != commandRules) {
            commandRules.clear();
            commandRules.putAll(newCommandRules);
        }
        policy = newPolicy;
        ruleSet = candidate;
        lastError = null;
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
        blocklist = new BlocklistTable(maps.map("fw_blocklist"), tables);
        tables.install(RuleCompiler.compile(ruleSet));
        pendingBlocks.forEach(blocklist::block);
        pendingBlocks.clear();
        LOG.info("firewall rule set installed: {} rules, default {}", ruleSet.rules().size(), ruleSet.defaultPolicy());
    }

    @Override
    public synchronized void unloading(StageMaps maps) {
        if (tables != null) {
            tables.close();
        }
        tables = null;
        blocklist = null;
    }

    // ---- Firewall ----

    @Override
    public synchronized FirewallStatus status() {
        return StatusSnapshot.of(ruleSet, counters(), drops(), lastError);
    }

    @Override
    public synchronized int addRule(String text) {
        int number = nextCommandRule;
        Rule rule = RuleParser.parseLine(text, "command #" + number);
        if (rule == null) {
            throw new RuleException("command #" + number + ": action: empty rule");
        }
        Map<Integer, Rule> next = new LinkedHashMap<>(commandRules);
        next.put(number, rule);
        apply(fileRules, next, policy);
        nextCommandRule++;
        return number;
    }

    @Override
    public synchronized boolean removeRule(int number) {
        if (!commandRules.containsKey(number)) {
            return false;
        }
        Map<Integer, Rule> next = new LinkedHashMap<>(commandRules);
        next.remove(number);
        apply(fileRules, next, policy);
        return true;
    }

    @Override
    public synchronized List<Integer> commandRuleNumbers() {
        return List.copyOf(commandRules.keySet());
    }

    @Override
    public synchronized void policy(Action newPolicy) {
        Objects.requireNonNull(newPolicy, "policy");
        apply(fileRules, commandRules, newPolicy);
    }

    @Override
    public synchronized Action policy() {
        return policy;
    }

    /** The rule set in force, in rank order. */
    synchronized RuleSet ruleSet() {
        return ruleSet;
    }

    /** The error of the last configuration or rules file that was refused, or null. */
    synchronized String lastError() {
        return lastError;
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
    public void block(String cidr, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("block duration must be positive, not " + duration);
        }
        block(Cidr.parse(cidr), duration);
    }

    private synchronized void block(Cidr cidr, Duration duration) {
        if (blocklist == null) {
            pendingBlocks.put(cidr, duration);
        } else {
            blocklist.block(cidr, duration);
        }
    }

    @Override
    public synchronized boolean unblock(String cidr) {
        Cidr prefix = Cidr.parse(cidr);
        if (blocklist == null) {
            boolean pending = pendingBlocks.containsKey(prefix);
            pendingBlocks.remove(prefix);
            return pending;
        }
        return blocklist.unblock(prefix);
    }

    @Override
    public synchronized List<BlockedEntry> entries() {
        if (blocklist == null) {
            return pendingBlocks.keySet().stream()
                    .map(c -> new BlockedEntry(c.toString(), java.util.Optional.empty(), 0)).toList();
        }
        return blocklist.entries();
    }
}
