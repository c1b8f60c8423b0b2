package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.BackendStatus;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code lb:stats} and {@code lb:service-list} show: the counters of every service and backend as the data
 * path counted them, with health, live flows and effective weights. Without maps (the stage is not loaded) every counter reads zero.
 */
final class StatusReport {

    private StatusReport() {}

    /** {@code maps}: the stage's maps, or null while it is not loaded. */
    static List<ServiceStatus> services(Collection<InstalledService> services, LbMaps maps, BackendHealth health,
                                        BackendLoad load, long now) {
        List<ServiceStatus> result = new ArrayList<>();
        for (InstalledService installed : services) {
            Stats serviceStats = maps == null ? Stats.ZERO : maps.serviceStats.getSummed(installed.id(), Stats::plus).orElse(Stats.ZERO);
            long serviceActive = 0;
            List<BackendStatus> backends = new ArrayList<>();
            for (Backend backend : installed.spec().backends()) {
                int id = installed.backendId(backend);
                Stats stats = maps == null ? Stats.ZERO : maps.backendStats.getSummed(id, Stats::plus).orElse(Stats.ZERO);
                long active = maps == null ? 0 : Math.max(0, maps.backendFlows.get(id).orElse(0L));
                serviceActive += active;
                VirtualService spec = installed.spec();
                backends.add(new BackendStatus(backend, health.healthy(id), stats.packets(), stats.bytes(), stats.newFlows(), active,
                        load.agent(spec, backend), load.effectiveWeight(spec, backend, now), load.slowStartPercent(spec, backend, now)));
            }
            result.add(new ServiceStatus(installed.spec(), serviceStats.packets(), serviceStats.bytes(),
                    serviceStats.newFlows(), serviceActive, backends));
        }
        return result;
    }

    /** The data path's own counters ({@link LbCounter}) by name; {@code maps} null: all zero. */
    static Map<String, Long> counters(LbMaps maps) {
        Map<String, Long> result = new LinkedHashMap<>();
        for (LbCounter counter : LbCounter.values()) {
            result.put(counter.key, maps == null ? 0L : maps.counters.getSummed(counter.ordinal(), Long::sum).orElse(0L));
        }
        return result;
    }
}
