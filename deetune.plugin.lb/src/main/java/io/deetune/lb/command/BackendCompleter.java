package io.deetune.lb.command;

import io.deetune.lb.Backend;
import io.deetune.lb.LoadBalancer;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes backend endpoints ({@code address:port}) of all services. */
@Service
public class BackendCompleter implements Completer {

    @Reference
    LoadBalancer loadBalancer;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter endpoints = new StringsCompleter(loadBalancer.services().stream()
                .flatMap(s -> s.backends().stream()).map(Backend::endpoint).distinct().toList());
        return endpoints.complete(session, commandLine, candidates);
    }
}
