package io.deetune.lb.command;

import io.deetune.lb.Endpoint;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-weight", description = "Sets a backend's weight (0 drains it)")
public class BackendWeightCommand extends BackendCommand {

    @Argument(index = 2, name = "weight", required = true, description = "0..1000")
    int weight;

    @Override
    public Object execute() {
        Endpoint at = backend();
        loadBalancer.setWeight(service, at.address(), at.port(), weight);
        System.out.println("backend " + endpoint + " of " + service + " has weight " + weight);
        save(service);
        return null;
    }
}
