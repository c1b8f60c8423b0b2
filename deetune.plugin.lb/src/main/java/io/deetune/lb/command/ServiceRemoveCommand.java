package io.deetune.lb.command;

import io.deetune.lb.LbConfigException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "service-remove", description = "Removes a service")
public class ServiceRemoveCommand extends ServiceChangeCommand {

    @Argument(index = 0, name = "name", required = true, description = "Service name")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        if (!loadBalancer.removeService(name)) {
            throw new LbConfigException("name", "no service named '" + name + "'");
        }
        System.out.println("service " + name + " removed");
        deleteConfiguration(name);
        return null;
    }
}
