package io.deetune.lb.command;

import io.deetune.lb.Flow;
import io.deetune.lb.LoadBalancer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "lb", name = "flows", description = "Shows the connection table")
public class FlowsCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    @Option(name = "--service", aliases = "-s", description = "Only this service's flows")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Option(name = "--client", aliases = "-c", description = "Only flows of this client address")
    String client;

    @Option(name = "--backend", aliases = "-b", description = "Only flows bound to this backend (address or address:port)")
    @Completion(BackendCompleter.class)
    String backend;

    @Option(name = "--state", description = "open, closing or closed")
    String state;

    @Option(name = "--limit", aliases = "-n", description = "Show at most this many flows")
    int limit = 100;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Service", "Proto", "Client", "VIP", "Backend", "State", "Age (ms)", "Idle (ms)"}) {
            table.column(column);
        }
        int shown = 0;
        int matched = 0;
        for (Flow flow : loadBalancer.flows(service)) {
            String clientText = flow.client().getHostAddress();
            String backendText = flow.backend().getHostAddress() + ":" + flow.backendPort();
            if ((client != null && !client.equals(clientText)) || (state != null && !state.equals(flow.state()))
                    || (backend != null && !backend.equals(backendText) && !backend.equals(flow.backend().getHostAddress()))) {
                continue;
            }
            matched++;
            if (shown++ < limit) {
                table.addRow().addContent(flow.service(), flow.protocol().name().toLowerCase(), clientText + ":" + flow.clientPort(),
                        flow.vip().getHostAddress() + ":" + flow.vipPort(), backendText, flow.state(), flow.ageMillis(), flow.idleMillis());
            }
        }
        table.print(System.out);
        System.out.println(matched + " flow(s)" + (matched > limit ? ", first " + limit + " shown" : ""));
        return null;
    }
}
