package io.deetune.lb.command;

import io.deetune.lb.LoadBalancer;
import io.deetune.lb.VirtualService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of configured services. */
@Service
public class ServiceNameCompleter implements Completer {

    @Reference
    LoadBalancer loadBalancer;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(loadBalancer.services().stream().map(VirtualService::name).toList());
        return names.complete(session, commandLine, candidates);
    }
}
