package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.VirtualService;
import java.util.Map;
import java.util.Set;

/**
 * Who the flows of the connection tables belong to, as the engine knew it at one moment: the installed services and
 * backends by kernel id, and the ids of adopted state still waiting for its configuration. Taken under the engine's
 * lock and used without it, so a walk of the tables does not hold up commands and health changes.
 *
 * @param services installed services by service id
 * @param backends backends of the installed services by backend id
 * @param graceServices service ids of pinned state in its adoption grace (empty once the grace ended)
 * @param graceBackends backend ids of pinned state in its adoption grace (empty once the grace ended)
 */
record FlowOwners(Map<Integer, VirtualService> services, Map<Integer, Backend> backends,
        Set<Integer> graceServices, Set<Integer> graceBackends) {

    FlowOwners {
        services = Map.copyOf(services);
        backends = Map.copyOf(backends);
        graceServices = Set.copyOf(graceServices);
        graceBackends = Set.copyOf(graceBackends);
    }

    /** Whether both the service and the backend the flow names are installed. */
    boolean owned(FlowEntry flow) {
        return services.containsKey(flow.serviceId()) && backends.containsKey(flow.backendId());
    }

    /** Whether the flow belongs to a pinned service or backend still in its grace period after adoption. */
    boolean awaitsItsConfiguration(FlowEntry flow) {
        return graceServices.contains(flow.serviceId()) || graceBackends.contains(flow.backendId());
    }

    /**
     * The key of an owned flow's return entry: the reply as it arrives, backend -> client or backend -> snat:port.
     * Only for {@link #owned} flows.
     */
    FlowKey replyKey(FlowKey client, FlowEntry flow) {
        Backend backend = backends.get(flow.backendId());
        VirtualService service = services.get(flow.serviceId());
        if (flow.snatPort() != 0 && service.snat() != null) {
            return new FlowKey(backend.address(), service.snat(), backend.port(), flow.snatPort(), client.protocol());
        }
        return new FlowKey(backend.address(), client.source(), backend.port(), client.sourcePort(), client.protocol());
    }
}
