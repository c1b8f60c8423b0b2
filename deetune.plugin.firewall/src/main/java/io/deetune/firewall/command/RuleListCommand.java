package io.deetune.firewall.command;

import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallRule;
import io.deetune.firewall.FirewallStatus;
import io.deetune.firewall.RuleHits;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "firewall", name = "rule-list", description = "Lists the rules in force, in the order they are checked, with their hits.")
public class RuleListCommand implements Action {

    @Reference
    Firewall firewall;

    @Override
    public Object execute() {
        FirewallStatus status = firewall.status();
        ShellTable table = new ShellTable();
        table.column("#");
        table.column("Origin");
        table.column("Rule");
        table.column("Packets").alignRight();
        table.column("Bytes").alignRight();
        for (int rank = 0; rank < status.rules().size(); rank++) {
            FirewallRule rule = status.rules().get(rank);
            table.addRow().addContent(rank + 1, rule.origin(), rule.rule(), packets(rule.hits()), bytes(rule.hits()));
        }
        Optional<RuleHits> fallback = status.defaultPolicyHits();
        table.addRow().addContent("", "policy", "default " + status.defaultPolicy(), packets(fallback), bytes(fallback));
        table.print(System.out);
        status.lastError().ifPresent(error ->
                System.out.println("Last change refused (the rules above stay in force): " + error));
        return null;
    }

    /** "-" while the stage is not loaded. */
    private static Object packets(Optional<RuleHits> hits) {
        return hits.<Object>map(RuleHits::packets).orElse("-");
    }

    private static Object bytes(Optional<RuleHits> hits) {
        return hits.<Object>map(RuleHits::bytes).orElse("-");
    }
}
