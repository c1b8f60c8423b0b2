package io.deetune.lb.command;

import io.deetune.lb.LbConfigException;
import io.deetune.lb.LoadBalancer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "service-remove", description = "Removes a service")
public class ServiceRemoveCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Argument(index = 0, name = "name", required = true, description = "Service name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        if (!loadBalancer.removeService(name)) {
            throw new LbConfigException("name", "no service named '" + name + "'");
        }
        System.out.println("service " + name + " removed");
        return null;
    }
}
