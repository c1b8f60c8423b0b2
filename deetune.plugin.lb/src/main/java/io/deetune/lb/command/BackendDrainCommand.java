package io.deetune.lb.command;

import io.deetune.lb.LoadBalancer;
import io.deetune.lb.internal.Specs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-drain", description = "Drains a backend: no new flows, existing ones finish (weight 0)")
public class BackendDrainCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Argument(index = 0, name = "service", required = true)
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "address:port", required = true)
    @Completion(BackendCompleter.class)
    String endpoint;

    @Override
    public Object execute() {
        Specs.InetAddressAndPort at = Specs.endpoint("backend", endpoint);
        loadBalancer.setWeight(service, at.address(), at.port(), 0);
        System.out.println("backend " + endpoint + " of " + service + " is draining");
        return null;
    }
}
