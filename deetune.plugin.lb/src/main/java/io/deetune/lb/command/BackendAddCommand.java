package io.deetune.lb.command;

import io.deetune.lb.Backend;
import io.deetune.lb.Endpoint;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-add", description = "Adds a backend to a service")
public class BackendAddCommand extends BackendCommand {

    @Option(name = "--weight", aliases = "-w", description = "Relative share of new flows (0 drains)")
    int weight = 1;

    @Override
    public Object execute() {
        Endpoint at = backend();
        Backend added = new Backend(at.address(), at.port(), Backend.checkWeight("weight", weight));
        loadBalancer.addBackend(service, added);
        System.out.println("backend " + added.endpoint() + " added to " + service);
        save(service);
        return null;
    }
}
