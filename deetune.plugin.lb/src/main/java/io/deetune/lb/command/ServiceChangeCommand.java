package io.deetune.lb.command;

import io.deetune.lb.LoadBalancer;
import io.deetune.lb.LoadBalancerConfigurations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * A command that changes a service. The load balancer checks and applies the change first; then the service as it
 * now is goes to its configuration (etc/io.deetune.lb.service-&lt;name&gt;.cfg), so the change survives a restart.
 */
abstract class ServiceChangeCommand implements Action {

    @Reference
    LoadBalancer loadBalancer;

    /** Config Admin is always there in Karaf; without it (a bare framework) changes last until the next restart. */
    @Reference(optional = true)
    LoadBalancerConfigurations configurations;

    /** Saves the service's current state; prints where the change stays. */
    void save(String service) {
        if (configurations == null) {
            System.out.println("(not saved: no Config Admin, the change lasts until the next restart)");
            return;
        }
        configurations.save(loadBalancer.service(service).orElseThrow());
    }

    void deleteConfiguration(String service) {
        if (configurations == null) {
            System.out.println("(not saved: no Config Admin, the service returns with the next restart if it was configured)");
            return;
        }
        configurations.delete(service);
    }
}
