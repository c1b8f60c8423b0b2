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
        table.column("Backends (weight, state[, agent, effective weight, slow start])");
        for (ServiceStatus status : loadBalancer.status()) {
            table.addRow().addContent(status.service().name(), status.service().endpoint(), status.service().algorithm().id(),
                    status.service().healthCheck().type(), status.backends().stream().map(b -> describe(b, status.service().feedback().active())).collect(Collectors.joining(" ")));
        }
        table.print(System.out);
        return null;
    }

    /**
     * {@code address:port(weight,state)}; a service with load feedback adds the agent's answer, the effective weight
     * and the slow start's progress: {@code 10.0.1.2:80(4,up,agent 25% ready,effective 1,ramp 40%)}.
     */
    static String describe(BackendStatus b, boolean feedback) {
        String text = b.backend().endpoint() + "(" + b.backend().weight() + "," + state(b);
        if (feedback) {
            text += ",agent " + (b.agent() == null ? "-" : b.agent()) + ",effective " + effective(b.effectiveWeight())
                    + (b.slowStartPercent() < 100 ? ",ramp " + b.slowStartPercent() + "%" : "");
        }
        return text + ")";
    }

    /** down (failed its health check), draining (weight 0, or its agent says so) or up. */
    static String state(BackendStatus b) {
        return !b.healthy() ? "down" : b.backend().weight() == 0 || b.effectiveWeight() == 0 ? "draining" : "up";
    }

    /** An effective weight as people read it: 1, 0.25, 12.5. */
    static String effective(double weight) {
        return java.math.BigDecimal.valueOf(weight).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
