package io.deetune.firewall.command;

import io.deetune.firewall.Firewall;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "firewall", name = "rule-add", description = "Adds a rule (rules-file syntax), applied at once and atomically."
        + " Rules added here last until the firewall restarts; permanent rules belong in the rules file.",
        detailedDescription = "Example: firewall:rule-add deny proto tcp dport 22 src 10.0.0.0/8 priority 10")
public class RuleAddCommand implements Action {

    @Reference
    Firewall firewall;

    @Argument(index = 0, name = "rule", required = true, multiValued = true,
            description = "allow|deny [priority N] [src CIDR] [dst CIDR] [proto P] [sport P|LO-HI] [dport P|LO-HI] [flags SET[/MASK]]")
    List<String> words;

    @Override
    public Object execute() {
        int number = firewall.addRule(String.join(" ", words));
        System.out.println("rule #" + number + " added");
        return null;
    }
}
