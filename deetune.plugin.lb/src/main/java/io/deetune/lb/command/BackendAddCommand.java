package io.deetune.lb.command;

import io.deetune.lb.Backend;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.internal.Specs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-add", description = "Adds a backend to a service")
public class BackendAddCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Argument(index = 0, name = "service", required = true)
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "address:port", required = true)
    String endpoint;

    @Option(name = "--weight", aliases = "-w", description = "Relative share of new flows (0 drains)")
    int weight = 1;

    @Override
    public Object execute() {
        Specs.InetAddressAndPort at = Specs.endpoint("backend", endpoint);
        Backend backend = new Backend(at.address(), at.port(), Specs.weight("weight", weight));
        loadBalancer.addBackend(service, backend);
        System.out.println("backend " + backend.endpoint() + " added to " + service);
        return null;
    }
}
