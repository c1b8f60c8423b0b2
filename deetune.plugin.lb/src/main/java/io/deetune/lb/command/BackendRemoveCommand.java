package io.deetune.lb.command;

import io.deetune.lb.Endpoint;
import io.deetune.lb.LbConfigException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "backend-remove", description = "Removes a backend from a service; its flows move to the others")
public class BackendRemoveCommand extends BackendCommand {

    @Override
    public Object execute() {
        Endpoint at = backend();
        if (!loadBalancer.removeBackend(service, at.address(), at.port())) {
            throw new LbConfigException("backend", "service '" + service + "' has no backend " + endpoint);
        }
        System.out.println("backend " + endpoint + " removed from " + service);
        save(service);
        return null;
    }
}
