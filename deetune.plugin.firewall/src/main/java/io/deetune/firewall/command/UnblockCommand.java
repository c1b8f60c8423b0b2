package io.deetune.firewall.command;

import io.deetune.firewall.Blocklist;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "firewall", name = "unblock", description = "Removes an address or prefix from the blocklist.")
public class UnblockCommand implements Action {

    @Reference
    Blocklist blocklist;

    @Argument(index = 0, name = "cidr", required = true, description = "the prefix exactly as blocked")
    @Completion(BlockedCompleter.class)
    String cidr;

    @Override
    public Object execute() {
        if (!blocklist.unblock(cidr)) {
            throw new IllegalArgumentException(cidr + " is not on the blocklist (see firewall:blocklist)");
        }
        System.out.println("unblocked " + cidr);
        return null;
    }
}
