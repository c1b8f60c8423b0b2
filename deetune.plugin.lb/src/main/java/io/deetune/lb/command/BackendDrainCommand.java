package io.deetune.lb.command;

import io.deetune.lb.Endpoint;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-drain", description = "Drains a backend: no new flows, existing ones finish (weight 0)")
public class BackendDrainCommand extends BackendCommand {

    @Override
    public Object execute() {
        Endpoint at = backend();
        loadBalancer.setWeight(service, at.address(), at.port(), 0);
        System.out.println("backend " + endpoint + " of " + service + " is draining");
        save(service);
        return null;
    }
}
