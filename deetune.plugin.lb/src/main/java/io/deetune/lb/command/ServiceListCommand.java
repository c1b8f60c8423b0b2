package io.deetune.lb.command;

import io.deetune.lb.BackendStatus;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.ServiceStatus;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "lb", name = "service-list", description = "Lists services and their backends")
public class ServiceListCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("VIP");
        table.column("Algorithm");
        table.column("Health check");
        table.column("Backends (weight, state)");
        for (ServiceStatus status : loadBalancer.status()) {
            table.addRow().addContent(status.service().name(), status.service().endpoint(), status.service().algorithm().id(),
                    status.service().healthCheck().type(), status.backends().stream().map(ServiceListCommand::describe).collect(Collectors.joining(" ")));
        }
        table.print(System.out);
        return null;
    }

    static String describe(BackendStatus b) {
        String state = !b.healthy() ? "down" : b.backend().weight() == 0 ? "draining" : "up";
        return b.backend().endpoint() + "(" + b.backend().weight() + "," + state + ")";
    }
}
