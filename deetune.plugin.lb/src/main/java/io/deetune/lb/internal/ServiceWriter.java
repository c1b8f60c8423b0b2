package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import io.deetune.lb.Backend;
import io.deetune.lb.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes that keep the stage's maps equal to the installed services: backends, rings, VIP entries, the settings
 * the data path reads, and the counters of a fresh backend id. Backends that failed their health check are written
 * down and left out of the rings; the others take their effective weight ({@link BackendLoad}).
 *
 * <p>Not thread-safe: the engine calls it under its lock, with the maps of the stage as loaded now.
 */
final class ServiceWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceWriter.class);

    private final LbMaps maps;
    private final BackendHealth health;
    private final BackendLoad load;

    ServiceWriter(LbMaps maps, BackendHealth health, BackendLoad load) {
        this.maps = maps;
        this.health = health;
        this.load = load;
    }

    /** lb_settings: how long a SYN nobody completes holds its half-open entry. */
    void writeSettings(Duration halfOpenTimeout) {
        maps.settings.put(0, halfOpenTimeout.toNanos());
    }

    /**
     * Writes a service: backends first, then its ring, then the VIP entry that makes the kernel use them. A ring
     * is rewritten slot by slot while packets run; every slot holds a valid backend of the service at every
     * moment, and only new flows read it. {@code previous}: what the service was (null for a new one): its VIP
     * entry goes if the VIP changed, and its backends that left are marked down.
     */
    void write(InstalledService installed, InstalledService previous) {
        VirtualService spec = installed.spec();
        List<Integer> eligibleIds = new ArrayList<>();
        List<Rings.Eligible> eligible = new ArrayList<>();
        List<Integer> weights = load.kernelWeights(spec, System.nanoTime());
        for (int i = 0; i < spec.backends().size(); i++) {
            Backend backend = spec.backends().get(i);
            int id = installed.backendId(backend);
            boolean up = health.healthy(id);
            int weight = weights.get(i);
            maps.backends.put(id, new BackendEntry(backend.address(), backend.port(), up, weight));
            if (up && weight > 0) {
                eligibleIds.add(id);
                eligible.add(new Rings.Eligible(backend.endpoint(), weight));
            }
        }
        int[] ring = Rings.ring(spec.algorithm(), eligible, spec.feedback().active());
        Map<Integer, Integer> slots = new LinkedHashMap<>();
        for (int slot = 0; slot < ring.length; slot++) {
            slots.put(installed.id() * LbLimits.RING_SIZE + slot, eligibleIds.get(ring[slot]));
        }
        maps.rings.putAll(slots);
        VipKey key = VipKey.of(spec);
        maps.services.put(key, new ServiceEntry(installed.id(), spec.algorithm().ordinal(), ring.length, spec.snat()));
        load.written(spec, weights);
        if (previous != null) {
            VipKey oldKey = VipKey.of(previous.spec());
            if (!oldKey.equals(key)) {
                maps.services.remove(oldKey);
            }
            for (int id : previous.backendIds().values()) {
                if (!installed.backendIds().containsValue(id)) {
                    markDown(id); // its flows move to the remaining backends
                }
            }
        }
    }

    /** A failed update: writes the service as it was again; a failure here is logged (the update's error is thrown). */
    void rewriteQuietly(InstalledService installed) {
        try {
            write(installed, null);
        } catch (RuntimeException e) {
            LOG.error("lb: could not restore service '{}' after a failed update", installed.spec().name(), e);
        }
    }

    /** A removed service: the kernel no longer finds its VIP, and its backends' flows find them down. */
    void remove(InstalledService installed) {
        removeVip(VipKey.of(installed.spec()));
        for (int id : installed.backendIds().values()) {
            markDown(id);
        }
    }

    void removeVip(VipKey vip) {
        maps.services.remove(vip);
    }

    /** The backend takes no flows any more; flows bound to it move to their service's other backends. */
    void markDown(int id) {
        maps.backends.get(id).ifPresent(b -> maps.backends.put(id, new BackendEntry(b.address(), b.port(), false, b.weight())));
    }

    /** A fresh backend id starts with no live flows and zero counters (the id may have served before). */
    void resetCounters(int id) {
        maps.backendFlows.put(id, 0L);
        byte[][] zero = new byte[BpfMap.possibleCpus()][Stats.CODEC.size()];
        maps.backendStats.map().updatePerCpu(Codec.U32.toBytes(id), zero, BpfMap.ANY);
    }
}
