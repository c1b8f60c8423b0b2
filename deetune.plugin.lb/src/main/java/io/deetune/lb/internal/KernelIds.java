package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.VirtualService;
import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel ids of services and backends: which are taken, which one a service gets, and the state an earlier run
 * left pinned in the maps (orphans), which keeps its ids until a configured service claims it or its grace period
 * ends. The connection tables name services and backends by id, so an id stays with its VIP or backend across a
 * reload or a restart, or the flows bound to it would lose their backend.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class KernelIds {

    private static final Logger LOG = LoggerFactory.getLogger(KernelIds.class);

    /** How long orphans wait for their service's configuration to return. */
    private final Duration orphanGrace;
    private final BitSet usedBackendIds = new BitSet(LbLimits.MAX_BACKENDS);
    private int nextBackendId;
    /**
     * What the maps held when they were attached and no configured service has claimed yet: VIPs with their service
     * id, and backend ids with their entry. They keep serving until claimed by a service with the same VIP or
     * backend, or until {@link #orphanDeadlineNanos}, when the sweep removes them.
     */
    private final Map<VipKey, Integer> orphanServices = new HashMap<>();
    private final Map<Integer, BackendEntry> orphanBackends = new HashMap<>();
    private long orphanDeadlineNanos;

    KernelIds(Duration orphanGrace) {
        this.orphanGrace = orphanGrace;
    }

    /** The ids taken before a change, to return to when the change is rejected or its writes fail. */
    record Checkpoint(BitSet usedBackendIds, Map<VipKey, Integer> orphanServices, Map<Integer, BackendEntry> orphanBackends) {}

    /**
     * Takes what the maps hold (pinned by an earlier run of the JVM or an earlier version of the bundle) as orphans,
     * whose grace period starts now. From now on only their backend ids are taken until services are assigned ids
     * again.
     */
    void adopt(LbMaps maps) {
        orphanServices.clear();
        orphanBackends.clear();
        maps.services.entries().forEach((vip, entry) -> orphanServices.put(vip, entry.id()));
        for (int id = 0; id < LbLimits.MAX_BACKENDS; id++) {
            int backendId = id;
            maps.backends.get(id).filter(b -> b.port() != 0).ifPresent(b -> orphanBackends.put(backendId, b));
        }
        orphanDeadlineNanos = System.nanoTime() + orphanGrace.toNanos();
        usedBackendIds.clear();
        orphanBackends.keySet().forEach(usedBackendIds::set);
    }

    /** Logs the orphans no configured service claimed (once the configured services were assigned their ids). */
    void reportUnclaimed() {
        if (!orphanServices.isEmpty() || !orphanBackends.isEmpty()) {
            LOG.info("lb: adopted pinned state; {} VIP(s) and {} backend(s) not configured (yet) keep serving for {} s",
                    orphanServices.size(), orphanBackends.size(), orphanGrace.toSeconds());
        }
    }

    /**
     * Kernel ids for a service: the previous installation's, else those its VIP and backends had in adopted maps,
     * else those it had before the maps were attached ({@code remembered}: connection tables carried into new maps
     * name them), else free ones. Marks the chosen backend ids taken; {@code freshBackendId} is told each backend id
     * newly allocated (its counters start again). {@code installed}: the other services as installed now.
     */
    InstalledService assign(VirtualService service, InstalledService previous, InstalledService remembered,
                            Collection<InstalledService> installed, IntConsumer freshBackendId) {
        Integer claimed = previous != null ? Integer.valueOf(previous.id()) : orphanServices.remove(VipKey.of(service));
        if (claimed == null && remembered != null && !orphanServices.containsValue(remembered.id())) {
            claimed = remembered.id();
        }
        Integer adopted = claimed;
        int id = adopted != null && installed.stream().noneMatch(s -> s.id() == adopted && s != previous)
                ? adopted : freeServiceId(service, installed);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Backend backend : service.backends()) {
            Integer existing = previous == null ? null : previous.backendId(backend);
            if (existing == null) {
                existing = claimOrphanBackend(backend);
            }
            if (existing == null && remembered != null) {
                Integer before = remembered.backendId(backend);
                existing = before != null && !usedBackendIds.get(before) ? before : null;
            }
            if (existing == null) {
                existing = allocateBackendId(service);
                freshBackendId.accept(existing);
            }
            usedBackendIds.set(existing);
            ids.put(backend.endpoint(), existing);
        }
        return new InstalledService(service, id, ids);
    }

    private Integer claimOrphanBackend(Backend backend) {
        for (Map.Entry<Integer, BackendEntry> orphan : orphanBackends.entrySet()) {
            BackendEntry entry = orphan.getValue();
            if (entry.address().equals(backend.address()) && entry.port() == backend.port()) {
                orphanBackends.remove(orphan.getKey());
                return orphan.getKey();
            }
        }
        return null;
    }

    private int freeServiceId(VirtualService service, Collection<InstalledService> installed) {
        BitSet used = new BitSet();
        installed.forEach(s -> used.set(s.id()));
        orphanServices.values().forEach(used::set);
        int id = used.nextClearBit(0);
        if (id >= LbLimits.MAX_SERVICES) {
            throw new LbConfigException("service '" + service.name() + "'", "the load balancer holds at most "
                    + LbLimits.MAX_SERVICES + " services");
        }
        return id;
    }

    /** Backend ids rotate through the table, so a just-freed id is not reused while stale flows may name it. */
    private int allocateBackendId(VirtualService service) {
        for (int i = 0; i < LbLimits.MAX_BACKENDS; i++) {
            int id = (nextBackendId + i) % LbLimits.MAX_BACKENDS;
            if (!usedBackendIds.get(id)) {
                nextBackendId = (id + 1) % LbLimits.MAX_BACKENDS;
                return id;
            }
        }
        throw new LbConfigException("service '" + service.name() + "'.backends", "the load balancer holds at most "
                + LbLimits.MAX_BACKENDS + " backends over all services");
    }

    /** A backend id no service uses any more. */
    void release(int backendId) {
        usedBackendIds.clear(backendId);
    }

    Checkpoint checkpoint() {
        return new Checkpoint((BitSet) usedBackendIds.clone(), new HashMap<>(orphanServices), new HashMap<>(orphanBackends));
    }

    /** Back to {@code before}: a change that assigned ids since was rejected (orphans it claimed are orphans again). */
    void restore(Checkpoint before) {
        usedBackendIds.clear();
        usedBackendIds.or(before.usedBackendIds());
        orphanServices.putAll(before.orphanServices());
        orphanBackends.putAll(before.orphanBackends());
    }

    /** Whether orphans' grace period is still running at {@code now}. */
    private boolean inGrace(long now) {
        return now - orphanDeadlineNanos <= 0;
    }

    /** Service ids of orphans still in their grace at {@code now}: their flows wait for the configuration. */
    Set<Integer> graceServiceIds(long now) {
        return inGrace(now) ? new HashSet<>(orphanServices.values()) : Set.of();
    }

    /** Backend ids of orphans still in their grace at {@code now}. */
    Set<Integer> graceBackendIds(long now) {
        return inGrace(now) ? orphanBackends.keySet() : Set.of();
    }

    /** Orphans whose configuration did not come back within the grace period leave the data path. */
    void removeExpiredOrphans(long now, ServiceWriter writer) {
        if (inGrace(now) || (orphanServices.isEmpty() && orphanBackends.isEmpty())) {
            return;
        }
        orphanServices.keySet().forEach(writer::removeVip);
        orphanBackends.keySet().forEach(id -> {
            writer.markDown(id);
            usedBackendIds.clear(id);
        });
        LOG.info("lb: removed {} VIP(s) and {} backend(s) of an earlier run that no configuration claimed",
                orphanServices.size(), orphanBackends.size());
        orphanServices.clear();
        orphanBackends.clear();
    }
}
