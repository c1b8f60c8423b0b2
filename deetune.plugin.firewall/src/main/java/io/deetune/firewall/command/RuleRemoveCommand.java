package io.deetune.firewall.command;

import io.deetune.firewall.Firewall;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "firewall", name = "rule-remove", description = "Removes a rule added with firewall:rule-add, by its number.")
public class RuleRemoveCommand implements Action {

    @Reference
    Firewall firewall;

    @Argument(index = 0, name = "number", required = true, description = "the rule's number (see firewall:rule-list)")
    @Completion(CommandRuleCompleter.class)
    int number;

    @Override
    public Object execute() {
        if (!firewall.removeRule(number)) {
            throw new IllegalArgumentException("no rule #" + number + " added by command (numbers: "
                    + firewall.commandRuleNumbers() + "); rules from the rules file are changed in the file");
        }
        System.out.println("rule #" + number + " removed");
        return null;
    }
}
