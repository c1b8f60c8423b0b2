package io.deetune.firewall;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The firewall's rules and default policy, and their counters. The rule set in force is the rules of the rules file
 * (configuration property {@value #RULES_FILE}) followed by the rules added here, ordered by priority; every change
 * is checked whole and installed atomically (no packet meets half a rule set), and a change with any error is refused
 * whole, the rule set in force staying (also when the kernel refuses the new tables: an
 * {@code io.deetune.bpf.BpfException} naming the call). Rules added here last until the firewall restarts.
 *
 * <p>The persistent settings are the configuration {@value #PID} (Config Admin, {@code etc/io.deetune.firewall.cfg}):
 * write it to change them for good; {@link #policy(Action)} changes the running firewall only.
 */
@ProviderType
public interface Firewall {

    /** The configuration PID of the firewall. */
    String PID = "io.deetune.firewall";
    /** Configuration property: the rules file (relative to karaf.etc), re-read when it changes. */
    String RULES_FILE = "rules.file";
    /** Configuration property: the default policy, {@code allow} or {@code deny} (see {@link Action#parse}). */
    String DEFAULT_POLICY = "default.policy";

    /** The rule set in force with its counters, read at one moment. */
    FirewallStatus status();

    /**
     * Adds a rule written in the rules-file syntax ({@code deny proto tcp dport 22 src 10.0.0.0/8 priority 10}) and
     * installs the new rule set at once.
     *
     * @return the rule's number, for {@link #removeRule}; numbers are not reused
     * @throws IllegalArgumentException when the rule is malformed, or the rule set with it cannot be installed
     *                                  (ambiguous with a rule of the same priority, too many rule shapes); the
     *                                  message names the rule ({@code command #N}) and the field at fault, and
     *                                  nothing changes
     */
    int addRule(String rule);

    /**
     * Removes a rule added with {@link #addRule} and installs the rule set without it at once.
     *
     * @return false, changing nothing, when no rule added here has that number (rules of the rules file are changed
     *         in the file)
     */
    boolean removeRule(int number);

    /** The numbers of the rules added with {@link #addRule} and not removed, in the order they were added. */
    List<Integer> commandRuleNumbers();

    /**
     * The text of the rules file ({@value #RULES_FILE}); empty when none is configured.
     *
     * @since 1.2
     */
    Optional<String> rulesFileText();

    /**
     * Replaces the content of the rules file: the text is checked whole (every line, and the rule set it makes with
     * the rules added here), installed at once and then written to the file, which stays the lasting desired state.
     * With {@code dryRun} only checks.
     *
     * @throws IllegalArgumentException naming the file and line at fault (nothing changes)
     * @throws IllegalStateException when no rules file is configured
     * @since 1.2
     */
    void replaceRulesFile(String text, boolean dryRun);

    /** What happens to an IP packet no rule matches now. */
    Action policy();

    /**
     * Sets the default policy at once, until the configuration changes it again (set {@value #DEFAULT_POLICY} of
     * {@value #PID} too, to keep it).
     */
    void policy(Action policy);
}
