package io.deetune.firewall.internal;

import io.deetune.core.api.ConfigText;
import io.deetune.firewall.Action;
import io.deetune.firewall.Firewall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules the firewall enforces: those of the rules file, then those added by commands (numbered; numbers are not
 * reused), and the default policy; the rule set they make, and the error of the last change refused. Every change is
 * built into a whole rule set, compiled and handed to the installer before it is taken: a rule set with any error,
 * or one the installer refuses, changes nothing and the one in force stays.
 *
 * <p>Not thread-safe: the stage calls it under its lock.
 */
final class RuleBook {

    private static final Logger LOG = LoggerFactory.getLogger(RuleBook.class);

    /** Makes a compiled rule set the one that judges packets (a no-op while the stage is not loaded). */
    private final Consumer<CompiledRuleSet> installer;
    private RulesFile rulesFile;
    private List<Rule> fileRules = List.of();
    private final Map<Integer, Rule> commandRules = new LinkedHashMap<>();
    private int nextCommandRule = 1;
    private Action policy = Action.ALLOW;
    private RuleSet ruleSet = RuleSet.EMPTY;
    private String lastError;

    RuleBook(Consumer<CompiledRuleSet> installer) {
        this.installer = installer;
    }

    /**
     * Applies the configured default policy and rules file (blank: none); a bad one is logged and kept as the last
     * error, and the rule set in force stays (with the rules file it came from, which is still watched).
     */
    void configure(String defaultPolicy, String rulesFileName) {
        try {
            Action newPolicy;
            try {
                newPolicy = Action.parse(defaultPolicy);
            } catch (IllegalArgumentException e) {
                throw new RuleException(Firewall.PID + ": default.policy: " + e.getMessage());
            }
            RulesFile file = rulesFileName.isBlank() ? null : RulesFile.resolve(rulesFileName.trim());
            List<Rule> newFileRules = file == null ? List.of() : file.read();
            apply(newFileRules, commandRules, newPolicy);
            if (file != null) {
                file.markRead();
            }
            rulesFile = file;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.error("firewall configuration not applied, the rule set in force stays: {}", ConfigText.escape(e.getMessage()));
        }
    }

    /** Reads the rules file again when it changed since it was read; a bad one is logged and kept as the last error. */
    void reloadIfChanged() {
        try {
            if (rulesFile != null && rulesFile.changedSinceRead()) {
                rulesFile.markRead();
                apply(rulesFile.read(), commandRules, policy);
                LOG.info("rules file {} reloaded: {} rules", rulesFile, fileRules.size());
            }
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.error("rules file {} not applied, the rule set in force stays: {}", rulesFile, e.getMessage());
        }
    }

    /** The text of the rules file; empty when none is configured. */
    java.util.Optional<String> fileText() {
        return rulesFile == null ? java.util.Optional.empty() : java.util.Optional.of(rulesFile.text());
    }

    /**
     * Replaces the rules file's content with {@code text}, checked whole (with the command rules and the policy) and
     * installed at once; see {@link Firewall#replaceRulesFile}. The file is written after the kernel took the rule set,
     * and the previous rule set goes back in when the file cannot be written.
     */
    void replaceFile(String text, boolean dryRun) {
        if (rulesFile == null) {
            throw new IllegalStateException("no rules file is configured: set " + Firewall.RULES_FILE + " in " + Firewall.PID);
        }
        List<Rule> newFileRules = RuleParser.parse(text, rulesFile.name());
        if (dryRun) {
            List<Rule> all = new ArrayList<>(newFileRules);
            all.addAll(commandRules.values());
            RuleCompiler.compile(RuleSet.of(all, policy));
            return;
        }
        List<Rule> previous = fileRules;
        apply(newFileRules, commandRules, policy);
        try {
            rulesFile.write(text);
        } catch (RuntimeException e) {
            apply(previous, commandRules, policy);
            throw e;
        }
        LOG.info("rules file {} replaced: {} rules", rulesFile, fileRules.size());
    }

    /** Adds a rule in the rules-file syntax; see {@link Firewall#addRule}. */
    int add(String text) {
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

    /** Removes a rule {@link #add} added; false, changing nothing, for a number it did not give or already removed. */
    boolean remove(int number) {
        if (!commandRules.containsKey(number)) {
            return false;
        }
        Map<Integer, Rule> next = new LinkedHashMap<>(commandRules);
        next.remove(number);
        apply(fileRules, next, policy);
        return true;
    }

    List<Integer> commandRuleNumbers() {
        return List.copyOf(commandRules.keySet());
    }

    void policy(Action newPolicy) {
        Objects.requireNonNull(newPolicy, "policy");
        apply(fileRules, commandRules, newPolicy);
    }

    Action policy() {
        return policy;
    }

    /** The rule set in force, in rank order. */
    RuleSet ruleSet() {
        return ruleSet;
    }

    /** The error of the last configuration or rules file that was refused, or null. */
    String lastError() {
        return lastError;
    }

    /** Builds, checks, compiles and installs a rule set; on any error nothing changes. */
    private void apply(List<Rule> newFileRules, Map<Integer, Rule> newCommandRules, Action newPolicy) {
        List<Rule> all = new ArrayList<>(newFileRules);
        all.addAll(newCommandRules.values());
        RuleSet candidate = RuleSet.of(all, newPolicy);
        installer.accept(RuleCompiler.compile(candidate));
        fileRules = List.copyOf(newFileRules);
        if (newCommandRules != commandRules) {
            commandRules.clear();
            commandRules.putAll(newCommandRules);
        }
        policy = newPolicy;
        ruleSet = candidate;
        lastError = null;
    }
}
