package io.deetune.firewall.command;

import io.deetune.firewall.BlockedEntry;
import io.deetune.firewall.Blocklist;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the prefixes on the blocklist. */
@Service
public class BlockedCompleter implements Completer {

    @Reference
    Blocklist blocklist;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter prefixes = new StringsCompleter();
        blocklist.entries().stream().map(BlockedEntry::cidr).forEach(prefixes.getStrings()::add);
        return prefixes.complete(session, commandLine, candidates);
    }
}
