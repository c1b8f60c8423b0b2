package io.deetune.firewall.command;

import io.deetune.firewall.BlockedEntry;
import io.deetune.firewall.Blocklist;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "firewall", name = "blocklist", description = "Lists the blocked sources, their expiry and the packets they dropped.")
public class BlocklistCommand implements Action {

    @Reference
    Blocklist blocklist;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Source");
        table.column("Expires");
        table.column("Dropped").alignRight();
        for (BlockedEntry entry : blocklist.entries()) {
            table.addRow().addContent(entry.cidr(), entry.expiresAt().map(Object::toString).orElse("never"), entry.packets());
        }
        table.print(System.out);
        return null;
    }
}
