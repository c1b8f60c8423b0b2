package io.deetune.firewall.command;

import io.deetune.firewall.internal.FirewallStage;
import io.deetune.firewall.internal.Rule;
import io.deetune.firewall.internal.RuleSet;
import io.deetune.firewall.internal.RuleTables.RuleCounter;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "firewall", name = "rule-list", description = "Lists the rules in force, in the order they are checked, with their hits.")
public class RuleListCommand implements Action {

    @Reference
    FirewallStage firewall;

    @Override
    public Object execute() {
        RuleSet set = firewall.ruleSet();
        List<RuleCounter> counters = firewall.counters();
        ShellTable table = new ShellTable();
        table.column("#");
        table.column("Origin");
        table.column("Rule");
        table.column("Packets").alignRight();
        table.column("Bytes").alignRight();
        for (int rank = 0; rank < set.rules().size(); rank++) {
            Rule rule = set.rules().get(rank);
            RuleCounter counter = rank < counters.size() ? counters.get(rank) : null;
            table.addRow().addContent(rank + 1, rule.origin(), rule.toSyntax(),
                    counter == null ? "-" : counter.packets(), counter == null ? "-" : counter.bytes());
        }
        RuleCounter fallback = counters.isEmpty() ? null : counters.getLast();
        table.addRow().addContent("", "policy", "default " + set.defaultPolicy(),
                fallback == null ? "-" : fallback.packets(), fallback == null ? "-" : fallback.bytes());
        table.print(System.out);
        if (firewall.lastError() != null) {
            System.out.println("Last change refused (the rules above stay in force): " + firewall.lastError());
        }
        return null;
    }
}
