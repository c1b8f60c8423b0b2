package io.deetune.discard.command;

import io.deetune.discard.Discard;
import io.deetune.discard.DiscardPort;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ports discarded now ({@code udp/9}, ...). */
@Service
public class PortCompleter implements Completer {

    @Reference
    Discard discard;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ports = new StringsCompleter(discard.ports().stream().map(DiscardPort::toString).toList());
        return ports.complete(session, commandLine, candidates);
    }
}
