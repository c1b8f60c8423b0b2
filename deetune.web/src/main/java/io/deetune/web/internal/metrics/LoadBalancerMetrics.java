package io.deetune.web.internal.metrics;

import io.deetune.lb.BackendStatus;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.ServiceStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Per LB service and backend: packets, bytes, new and active flows, health; starts with the load balancer. */
@Component(service = MultiCollector.class, property = MetricsServlet.COLLECTOR + "=true")
public final class LoadBalancerMetrics implements MultiCollector {

    private final LoadBalancer loadBalancer;

    @Activate
    public LoadBalancerMetrics(@Reference LoadBalancer loadBalancer) {
        this.loadBalancer = loadBalancer;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        for (ServiceStatus s : loadBalancer.status()) {
            String service = s.service().name();
            f.counter("deetune_lb_service_packets", "Packets to a virtual service", s.packets(), "service", service);
            f.counter("deetune_lb_service_bytes", "Bytes to a virtual service", s.bytes(), "service", service);
            f.counter("deetune_lb_service_new_flows", "Flows a virtual service opened", s.newFlows(), "service", service);
            f.gauge("deetune_lb_service_active_flows", "Flows of a virtual service in the connection table", s.activeFlows(), "service", service);
            for (BackendStatus b : s.backends()) {
                String backend = b.backend().endpoint();
                f.counter("deetune_lb_backend_packets", "Packets sent to a backend", b.packets(), "service", service, "backend", backend);
                f.counter("deetune_lb_backend_bytes", "Bytes sent to a backend", b.bytes(), "service", service, "backend", backend);
                f.counter("deetune_lb_backend_new_flows", "Flows a backend was chosen for", b.newFlows(), "service", service, "backend", backend);
                f.gauge("deetune_lb_backend_active_flows", "Flows of a backend in the connection table", b.activeFlows(), "service", service, "backend", backend);
                f.gauge("deetune_lb_backend_up", "1 while the health check finds the backend healthy", b.healthy() ? 1 : 0, "service", service, "backend", backend);
                f.gauge("deetune_lb_backend_weight", "The backend's weight (0: drained)", b.backend().weight(), "service", service, "backend", backend);
                f.gauge("deetune_lb_backend_effective_weight", "The weight new flows are shared by now: configured weight x agent share x slow start",
                        b.effectiveWeight(), "service", service, "backend", backend);
                f.gauge("deetune_lb_backend_slow_start_ratio", "How far the backend's slow start has come (1: full weight)",
                        b.slowStartPercent() / 100.0, "service", service, "backend", backend);
            }
        }
        loadBalancer.counters().forEach((name, value) ->
                f.counter("deetune_lb_events", "Data-plane events of the load balancer that belong to no service", value, "event", name));
        return new MetricSnapshots(f.snapshots());
    }
}
