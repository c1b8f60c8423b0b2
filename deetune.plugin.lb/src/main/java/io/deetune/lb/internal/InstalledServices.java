package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The running set of services by name, in the order they were added (commands list them so), and what a change of
 * one backend makes of its service.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class InstalledServices {

    private final Map<String, InstalledService> byName = new LinkedHashMap<>();

    /** The service of that name; null if there is none. */
    InstalledService get(String name) {
        return byName.get(name);
    }

    /** The specification of the service of that name; rejects a name no service has. */
    VirtualService existing(String name) {
        InstalledService installed = byName.get(name);
        if (installed == null) {
            throw new LbConfigException("service", "no service named '" + name + "' (have " + byName.keySet() + ")");
        }
        return installed.spec();
    }

    /** The service as it would be with one backend more; rejects a name no service has. */
    VirtualService withBackendAdded(String service, Backend backend) {
        VirtualService spec = existing(service);
        List<Backend> backends = new ArrayList<>(spec.backends());
        backends.add(backend);
        return spec.withBackends(backends);
    }

    /** The service as it would be without the backend at {@code address:port}; empty if it has none there. */
    Optional<VirtualService> withBackendRemoved(String service, InetAddress address, int port) {
        VirtualService spec = existing(service);
        List<Backend> backends = new ArrayList<>(spec.backends());
        if (!backends.removeIf(b -> b.address().equals(address) && b.port() == port)) {
            return Optional.empty();
        }
        return Optional.of(spec.withBackends(backends));
    }

    /** The service as it would be with a backend's weight changed; rejects a bad weight and an unknown backend. */
    VirtualService withWeight(String service, InetAddress address, int port, int weight) {
        VirtualService spec = existing(service);
        Backend.checkWeight("weight", weight);
        List<Backend> backends = new ArrayList<>();
        boolean found = false;
        for (Backend b : spec.backends()) {
            boolean match = b.address().equals(address) && b.port() == port;
            found |= match;
            backends.add(match ? b.withWeight(weight) : b);
        }
        if (!found) {
            throw new LbConfigException("backend", "service '" + service + "' has no backend "
                    + new Backend(address, port, 0).endpoint());
        }
        return spec.withBackends(backends);
    }

    /** Rejects a service whose VIP, port and protocol another service (of another name) serves. */
    void checkCollision(VirtualService service) {
        for (InstalledService other : byName.values()) {
            VirtualService o = other.spec();
            if (!o.name().equals(service.name()) && o.vip().equals(service.vip()) && o.port() == service.port()
                    && o.protocol() == service.protocol()) {
                throw new LbConfigException("service '" + service.name() + "'.vip", service.endpoint()
                        + " is already served by service '" + o.name() + "'");
            }
        }
    }

    void put(InstalledService installed) {
        byName.put(installed.spec().name(), installed);
    }

    InstalledService remove(String name) {
        return byName.remove(name);
    }

    /** Empties the set; returns what it held, to be installed again (with the ids of newly attached maps). */
    List<InstalledService> removeAll() {
        List<InstalledService> all = new ArrayList<>(byName.values());
        byName.clear();
        return all;
    }

    Collection<InstalledService> all() {
        return byName.values();
    }

    List<VirtualService> specs() {
        return byName.values().stream().map(InstalledService::spec).toList();
    }

    /** Who the flows of the connection tables belong to now; {@code grace...}: ids of orphans still in their grace. */
    FlowOwners owners(Set<Integer> graceServiceIds, Set<Integer> graceBackendIds) {
        Map<Integer, VirtualService> servicesById = new HashMap<>();
        Map<Integer, Backend> backendsById = new HashMap<>();
        for (InstalledService installed : byName.values()) {
            servicesById.put(installed.id(), installed.spec());
            for (Backend b : installed.spec().backends()) {
                backendsById.put(installed.backendId(b), b);
            }
        }
        return new FlowOwners(servicesById, backendsById, graceServiceIds, graceBackendIds);
    }
}
