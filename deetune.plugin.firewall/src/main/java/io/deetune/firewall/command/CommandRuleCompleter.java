package io.deetune.firewall.command;

import io.deetune.firewall.Firewall;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the numbers of the rules added by command. */
@Service
public class CommandRuleCompleter implements Completer {

    @Reference
    Firewall firewall;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter numbers = new StringsCompleter();
        firewall.commandRuleNumbers().forEach(n -> numbers.getStrings().add(Integer.toString(n)));
        return numbers.complete(session, commandLine, candidates);
    }
}
