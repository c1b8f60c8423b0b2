package io.deetune.lb.command;

import io.deetune.lb.BackendStatus;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.ServiceStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "lb", name = "stats", description = "Packets, bytes, new and active flows per service and backend")
public class StatsCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Argument(index = 0, name = "service", description = "Only this service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Service", "Backend", "State", "Weight", "Agent", "Effective",
                "Slow start", "Packets", "Bytes", "New flows", "Active flows"}) {
            table.column(column);
        }
        for (ServiceStatus s : loadBalancer.status()) {
            if (service != null && !service.equals(s.service().name())) {
                continue;
            }
            table.addRow().addContent(s.service().name(), s.service().endpoint(), "", "", "", "", "", s.packets(), s.bytes(),
                    s.newFlows(), s.activeFlows());
            for (BackendStatus b : s.backends()) {
                table.addRow().addContent("", b.backend().endpoint(), ServiceListCommand.state(b), b.backend().weight(),
                        b.agent() == null ? "-" : b.agent(), ServiceListCommand.effective(b.effectiveWeight()),
                        b.slowStartPercent() < 100 ? b.slowStartPercent() + "%" : "-", b.packets(), b.bytes(), b.newFlows(), b.activeFlows());
            }
        }
        table.print(System.out);
        if (service == null) {
            ShellTable counters = new ShellTable();
            counters.column("Data plane");
            counters.column("Packets");
            loadBalancer.counters().forEach((name, value) -> counters.addRow().addContent(name, value));
            counters.print(System.out);
        }
        return null;
    }
}
