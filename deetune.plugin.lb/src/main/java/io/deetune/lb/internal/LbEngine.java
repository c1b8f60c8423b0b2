package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import io.deetune.lb.Backend;
import io.deetune.lb.BackendStatus;
import io.deetune.lb.Flow;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.Protocol;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer's control logic: the running set of services, their ids in the kernel maps, backend health,
 * and the writes that keep the stage's maps equal to them. Every change is validated as a whole first; only a
 * valid change reaches the maps, and the previous state stays when it is rejected.
 *
 * <p>Without maps (the stage is not loaded yet) changes are kept and written in full once {@link #attach} is
 * called.
 */
public final class LbEngine implements LoadBalancer {

    private static final Logger LOG = LoggerFactory.getLogger(LbEngine.class);

    /** A service as installed: its kernel id and the kernel id of each backend (by endpoint). */
    private record Installed(VirtualService spec, int id, Map<String, Integer> backendIds) {}

    private final HealthListener healthListener;
    private final Map<String, Installed> services = new LinkedHashMap<>();
    /** Backends that failed their health check, by kernel id. */
    private final Set<Integer> unhealthy = new HashSet<>();
    private final BitSet usedBackendIds = new BitSet(LbLimits.MAX_BACKENDS);
    private int nextBackendId;
    private LbMaps maps;
    /**
     * What the maps held when they were attached (pinned state of an earlier run) and no configured service has
     * claimed yet: VIPs with their service id, and backend ids with their entry. They keep serving until claimed
     * by a service with the same VIP or backend, or until {@link #orphanDeadlineNanos}, when the sweep removes them.
     */
    private final Map<VipKey, Integer> orphanServices = new HashMap<>();
    private final Map<Integer, BackendEntry> orphanBackends = new HashMap<>();
    private long orphanDeadlineNanos;
    private final Duration orphanGrace;
    private Duration halfOpenTimeout = Duration.ofSeconds(5);
    /** Held by the one sweep that runs at a time (the stage's timer, tests); never while waiting for this engine. */
    private final Object sweeping = new Object();

    public LbEngine(HealthListener healthListener) {
        this(healthListener, Duration.ofMinutes(1));
    }

    /** {@code orphanGrace}: how long state found in the maps waits for its service's configuration to return. */
    public LbEngine(HealthListener healthListener, Duration orphanGrace) {
        this.healthListener = healthListener;
        this.orphanGrace = orphanGrace;
    }

    /**
     * Uses the stage's maps from now on and writes every service into them. Maps that already hold services (pinned
     * by an earlier run of the JVM or an earlier version of the bundle) are adopted: a service keeps the kernel id
     * its VIP had and each backend the id its address and port had, so established flows stay on their backends.
     */
    public synchronized void attach(Function<String, BpfMap> mapsByName) {
        maps = new LbMaps(mapsByName);
        writeSettings();
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
        Set<String> down = new HashSet<>();
        List<Installed> configured = new ArrayList<>(services.values());
        for (Installed installed : configured) {
            installed.backendIds().forEach((endpoint, id) -> {
                if (unhealthy.contains(id)) {
                    down.add(installed.spec().name() + " " + endpoint);
                }
            });
        }
        unhealthy.clear();
        services.clear();
        for (Installed old : configured) {
            Installed adopted = assignIds(old.spec(), null, old);
            adopted.backendIds().forEach((endpoint, id) -> {
                if (down.contains(old.spec().name() + " " + endpoint)) {
                    unhealthy.add(id);
                }
            });
            services.put(adopted.spec().name(), adopted);
            write(adopted, null);
        }
        if (!orphanServices.isEmpty() || !orphanBackends.isEmpty()) {
            LOG.info("lb: adopted pinned state; {} VIP(s) and {} backend(s) not configured (yet) keep serving for {} s",
                    orphanServices.size(), orphanBackends.size(), orphanGrace.toSeconds());
        }
    }

    private Installed assignIds(VirtualService service, Installed previous) {
        return assignIds(service, previous, null);
    }

    /**
     * Kernel ids for a service: the previous installation's, else those its VIP and backends had in adopted maps,
     * else those it had before the maps were attached (remembered: connection tables carried into new maps name
     * them), else free ones. Marks the chosen backend ids used.
     */
    private Installed assignIds(VirtualService service, Installed previous, Installed remembered) {
        VipKey vip = new VipKey(service.vip(), service.port(), service.protocol().number());
        Integer claimed = previous != null ? Integer.valueOf(previous.id()) : orphanServices.remove(vip);
        if (claimed == null && remembered != null && !orphanServices.containsValue(remembered.id())) {
            claimed = remembered.id();
        }
        Integer adopted = claimed;
        int id = adopted != null && services.values().stream().noneMatch(s -> s.id() == adopted && s != previous)
                ? adopted : freeServiceId(service);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Backend backend : service.backends()) {
            Integer existing = previous == null ? null : previous.backendIds().get(backend.endpoint());
            if (existing == null) {
                existing = claimOrphanBackend(backend);
            }
            if (existing == null && remembered != null) {
                Integer before = remembered.backendIds().get(backend.endpoint());
                existing = before != null && !usedBackendIds.get(before) ? before : null;
            }
            if (existing == null) {
                existing = allocateBackendId(service);
                resetCounters(existing);
            }
            usedBackendIds.set(existing);
            ids.put(backend.endpoint(), existing);
        }
        return new Installed(service, id, ids);
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

    /** How long a SYN nobody completes holds its half-open entry; the data path reads it from lb_settings. */
    public synchronized void setHalfOpenTimeout(Duration timeout) {
        halfOpenTimeout = timeout;
        writeSettings();
    }

    public synchronized Duration halfOpenTimeout() {
        return halfOpenTimeout;
    }

    private void writeSettings() {
        if (maps != null) {
            maps.settings.put(0, halfOpenTimeout.toNanos());
        }
    }

    /** The stage is being unloaded: stop writing (the pinned maps keep the data path as it is). */
    public synchronized void detach() {
        maps = null;
    }

    public synchronized boolean attached() {
        return maps != null;
    }

    @Override
    public synchronized void putService(VirtualService service) {
        Specs.validate(service);
        checkCollision(service);
        Installed previous = services.get(service.name());
        if (previous != null && previous.spec().equals(service)) {
            return; // e.g. a configuration written back by a command: already in place
        }
        BitSet usedBefore = (BitSet) usedBackendIds.clone();
        Map<VipKey, Integer> orphanServicesBefore = new HashMap<>(orphanServices);
        Map<Integer, BackendEntry> orphanBackendsBefore = new HashMap<>(orphanBackends);
        Installed installed;
        try {
            installed = assignIds(service, previous);
            write(installed, previous);
        } catch (RuntimeException e) {
            usedBackendIds.clear();
            usedBackendIds.or(usedBefore);
            orphanServices.putAll(orphanServicesBefore);
            orphanBackends.putAll(orphanBackendsBefore);
            if (e instanceof LbConfigException config) {
                throw config;
            }
            if (previous != null) {
                rewriteQuietly(previous);
            }
            throw new IllegalStateException("service '" + service.name() + "': writing the kernel maps failed, kept the previous configuration: " + e.getMessage(), e);
        }
        if (previous != null) {
            for (Map.Entry<String, Integer> old : previous.backendIds().entrySet()) {
                if (!installed.backendIds().containsValue(old.getValue())) {
                    releaseBackendId(old.getValue());
                }
            }
        }
        services.put(service.name(), installed);
        LOG.info("lb: service '{}' {} {} with {} backend(s)", service.name(), previous == null ? "added at" : "updated at",
                service.endpoint() + " " + service.algorithm().id(), service.backends().size());
    }

    @Override
    public synchronized boolean removeService(String name) {
        Installed installed = services.remove(name);
        if (installed == null) {
            return false;
        }
        if (maps != null) {
            VirtualService spec = installed.spec();
            maps.services.remove(new VipKey(spec.vip(), spec.port(), spec.protocol().number()));
            for (int id : installed.backendIds().values()) {
                markDown(id);
            }
        }
        installed.backendIds().values().forEach(this::releaseBackendId);
        LOG.info("lb: service '{}' ({}) removed", name, installed.spec().endpoint());
        return true;
    }

    @Override
    public synchronized Optional<VirtualService> service(String name) {
        return Optional.ofNullable(services.get(name)).map(Installed::spec);
    }

    @Override
    public synchronized List<VirtualService> services() {
        return services.values().stream().map(Installed::spec).toList();
    }

    @Override
    public synchronized void addBackend(String service, Backend backend) {
        VirtualService spec = existing(service);
        List<Backend> backends = new ArrayList<>(spec.backends());
        backends.add(backend);
        putService(spec.withBackends(backends));
    }

    @Override
    public synchronized boolean removeBackend(String service, InetAddress address, int port) {
        VirtualService spec = existing(service);
        List<Backend> backends = new ArrayList<>(spec.backends());
        if (!backends.removeIf(b -> b.address().equals(address) && b.port() == port)) {
            return false;
        }
        putService(spec.withBackends(backends));
        return true;
    }

    @Override
    public synchronized void setWeight(String service, InetAddress address, int port, int weight) {
        VirtualService spec = existing(service);
        Specs.weight("weight", weight);
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
        putService(spec.withBackends(backends));
    }

    /** Health check verdict for a backend; a change rebuilds the service's ring and is reported once. */
    public synchronized void setHealth(String service, Backend backend, boolean healthy, String reason) {
        Installed installed = services.get(service);
        Integer id = installed == null ? null : installed.backendIds().get(backend.endpoint());
        if (id == null) {
            return; // removed meanwhile
        }
        boolean changed = healthy ? unhealthy.remove(id) : unhealthy.add(id);
        if (!changed) {
            return;
        }
        if (maps != null) {
            write(installed, installed);
        }
        healthListener.healthChanged(service, backend, healthy, reason);
    }

    public synchronized boolean healthy(String service, Backend backend) {
        Installed installed = services.get(service);
        Integer id = installed == null ? null : installed.backendIds().get(backend.endpoint());
        return id != null && !unhealthy.contains(id);
    }

    private VirtualService existing(String service) {
        Installed installed = services.get(service);
        if (installed == null) {
            throw new LbConfigException("service", "no service named '" + service + "' (have " + services.keySet() + ")");
        }
        return installed.spec();
    }

    private void checkCollision(VirtualService service) {
        for (Installed other : services.values()) {
            VirtualService o = other.spec();
            if (!o.name().equals(service.name()) && o.vip().equals(service.vip()) && o.port() == service.port()
                    && o.protocol() == service.protocol()) {
                throw new LbConfigException("service '" + service.name() + "'.vip", service.endpoint()
                        + " is already served by service '" + o.name() + "'");
            }
        }
    }

    private int freeServiceId(VirtualService service) {
        BitSet used = new BitSet();
        services.values().forEach(s -> used.set(s.id()));
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

    /** A fresh backend id starts with no live flows and zero counters (the id may have served before). */
    private void resetCounters(int id) {
        if (maps != null) {
            maps.backendFlows.put(id, 0L);
            byte[][] zero = new byte[BpfMap.possibleCpus()][Stats.CODEC.size()];
            maps.backendStats.map().updatePerCpu(Codec.U32.toBytes(id), zero, BpfMap.ANY);
        }
    }

    private void releaseBackendId(int id) {
        usedBackendIds.clear(id);
        unhealthy.remove(id);
    }

    /**
     * Writes a service: backends first, then its ring, then the VIP entry that makes the kernel use them. A ring
     * is rewritten slot by slot while packets run; every slot holds a valid backend of the service at every
     * moment, and only new flows read it.
     */
    private void write(Installed installed, Installed previous) {
        if (maps == null) {
            return;
        }
        VirtualService spec = installed.spec();
        List<Integer> eligibleIds = new ArrayList<>();
        List<Rings.Eligible> eligible = new ArrayList<>();
        for (Backend backend : spec.backends()) {
            int id = installed.backendIds().get(backend.endpoint());
            boolean up = !unhealthy.contains(id);
            maps.backends.put(id, new BackendEntry(backend.address(), backend.port(), up, backend.weight()));
            if (up && backend.weight() > 0) {
                eligibleIds.add(id);
                eligible.add(new Rings.Eligible(backend.endpoint(), backend.weight()));
            }
        }
        int[] ring = Rings.ring(spec.algorithm(), eligible);
        Map<Integer, Integer> slots = new LinkedHashMap<>();
        for (int slot = 0; slot < ring.length; slot++) {
            slots.put(installed.id() * LbLimits.RING_SIZE + slot, eligibleIds.get(ring[slot]));
        }
        maps.rings.putAll(slots);
        VipKey key = new VipKey(spec.vip(), spec.port(), spec.protocol().number());
        maps.services.put(key, new ServiceEntry(installed.id(), spec.algorithm().ordinal(), ring.length, spec.snat()));
        if (previous != null) {
            VirtualService old = previous.spec();
            VipKey oldKey = new VipKey(old.vip(), old.port(), old.protocol().number());
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

    private void markDown(int id) {
        maps.backends.get(id).ifPresent(b -> maps.backends.put(id, new BackendEntry(b.address(), b.port(), false, b.weight())));
    }

    private void rewriteQuietly(Installed installed) {
        try {
            write(installed, null);
        } catch (RuntimeException e) {
            LOG.error("lb: could not restore service '{}' after a failed update", installed.spec().name(), e);
        }
    }

    @Override
    public synchronized List<ServiceStatus> status() {
        List<ServiceStatus> result = new ArrayList<>();
        for (Installed installed : services.values()) {
            Stats serviceStats = maps == null ? Stats.ZERO : maps.serviceStats.getSummed(installed.id(), Stats::plus).orElse(Stats.ZERO);
            long serviceActive = 0;
            List<BackendStatus> backends = new ArrayList<>();
            for (Backend backend : installed.spec().backends()) {
                int id = installed.backendIds().get(backend.endpoint());
                Stats stats = maps == null ? Stats.ZERO : maps.backendStats.getSummed(id, Stats::plus).orElse(Stats.ZERO);
                long active = maps == null ? 0 : Math.max(0, maps.backendFlows.get(id).orElse(0L));
                serviceActive += active;
                backends.add(new BackendStatus(backend, !unhealthy.contains(id), stats.packets(), stats.bytes(), stats.newFlows(), active));
            }
            result.add(new ServiceStatus(installed.spec(), serviceStats.packets(), serviceStats.bytes(),
                    serviceStats.newFlows(), serviceActive, backends));
        }
        return result;
    }

    @Override
    public synchronized Map<String, Long> counters() {
        Map<String, Long> result = new LinkedHashMap<>();
        for (LbCounter counter : LbCounter.values()) {
            result.put(counter.key, maps == null ? 0L : maps.counters.getSummed(counter.ordinal(), Long::sum).orElse(0L));
        }
        return result;
    }

    /**
     * The flows of the connection table (of one service, or of all when {@code service} is null). The table is read
     * without the engine's lock, like the sweep's walk.
     */
    @Override
    public List<Flow> flows(String service) {
        List<Flow> result = new ArrayList<>();
        FlowOwners owners;
        ConnectionTables tables;
        long halfOpenNanos;
        synchronized (this) {
            if (maps == null) {
                return result;
            }
            owners = owners(System.nanoTime());
            tables = ConnectionTables.open(maps);
            halfOpenNanos = halfOpenTimeout.toNanos();
        }
        try (tables) {
            long now = System.nanoTime();
            tables.halfOpen().forEach((key, flow) -> {
                if (now - flow.createdNanos() <= halfOpenNanos) {
                    describe(owners, service, key, flow, "half-open", now, flow::lastSeenNanos).ifPresent(result::add);
                }
            });
            tables.flows().forEach((key, flow) -> describe(owners, service, key, flow, flow.state(), now,
                    () -> Math.max(flow.lastSeenNanos(), tables.replyLastSeen(tables.replies(), owners.replyKey(key, flow))))
                    .ifPresent(result::add));
        }
        return result;
    }

    /**
     * A flow as {@code lb:flows} shows it; empty when it belongs to no configured service or to another than
     * {@code service}. {@code lastSeen} is asked only for flows shown (it may look up the return entry).
     */
    private static Optional<Flow> describe(FlowOwners owners, String service, FlowKey key, FlowEntry flow, String state,
                                           long now, LongSupplier lastSeen) {
        if (!owners.owned(flow)) {
            return Optional.empty();
        }
        VirtualService owner = owners.services().get(flow.serviceId());
        if (service != null && !service.equals(owner.name())) {
            return Optional.empty();
        }
        Backend backend = owners.backends().get(flow.backendId());
        return Optional.of(new Flow(owner.name(), key.protocol() == Protocol.TCP.number() ? Protocol.TCP : Protocol.UDP,
                key.source(), key.sourcePort(), key.destination(), key.destinationPort(), backend.address(),
                backend.port(), state, Duration.ofNanos(now - flow.createdNanos()).toMillis(),
                Duration.ofNanos(Math.max(0, now - lastSeen.getAsLong())).toMillis()));
    }

    /** Who the flows belong to now; the grace ids are those of adopted state still in its grace at {@code now}. */
    private FlowOwners owners(long now) {
        Map<Integer, VirtualService> servicesById = new HashMap<>();
        Map<Integer, Backend> backendsById = new HashMap<>();
        for (Installed installed : services.values()) {
            servicesById.put(installed.id(), installed.spec());
            for (Backend b : installed.spec().backends()) {
                backendsById.put(installed.backendIds().get(b.endpoint()), b);
            }
        }
        boolean inGrace = now - orphanDeadlineNanos <= 0;
        return new FlowOwners(servicesById, backendsById, inGrace ? new HashSet<>(orphanServices.values()) : Set.of(),
                inGrace ? orphanBackends.keySet() : Set.of());
    }

    /** Pinned state whose configuration did not come back within the grace period leaves the data path. */
    private void removeOrphans() {
        orphanServices.keySet().forEach(maps.services::remove);
        orphanBackends.keySet().forEach(id -> {
            markDown(id);
            usedBackendIds.clear(id);
        });
        LOG.info("lb: removed {} VIP(s) and {} backend(s) of an earlier run that no configuration claimed",
                orphanServices.size(), orphanBackends.size());
        orphanServices.clear();
        orphanBackends.clear();
    }

    /**
     * Expires idle and closed flows (with their return entries) and recounts every backend's live flows from the
     * table, correcting what the data path could not count (flows the LRU evicted, races between CPUs).
     *
     * <p>The engine's lock is held only to take a snapshot of who owns the flows ({@link FlowOwners}) and descriptors
     * of the tables, and at the end to write the counts: the walk itself ({@link FlowSweep}) runs without it, so
     * commands and health changes go on meanwhile.
     */
    public int sweep(Duration tcpIdle, Duration udpIdle, Duration closedLinger) {
        synchronized (sweeping) {
            LbMaps swept;
            FlowOwners owners;
            ConnectionTables tables;
            Duration halfOpenLimit;
            long now;
            synchronized (this) {
                if (maps == null) {
                    return 0;
                }
                now = System.nanoTime();
                if (now - orphanDeadlineNanos > 0 && (!orphanServices.isEmpty() || !orphanBackends.isEmpty())) {
                    removeOrphans();
                }
                swept = maps;
                owners = owners(now);
                tables = ConnectionTables.open(maps);
                halfOpenLimit = halfOpenTimeout.compareTo(tcpIdle) < 0 ? halfOpenTimeout : tcpIdle;
            }
            try (tables) {
                FlowSweep pass = new FlowSweep(owners, tables, now, BpfMap.BATCH_CHUNK);
                int expired = pass.sweep(tables.flows(), tables.replies(), FlowSweep.idleLimit(tcpIdle, udpIdle, closedLinger));
                // Half-open flows are never touched after their SYN: their idle time is their age.
                expired += pass.sweep(tables.halfOpen(), tables.halfOpenReplies(), (key, flow) -> halfOpenLimit);
                writeLiveFlows(swept, owners, pass.liveFlows());
                return expired;
            }
        }
    }

    /**
     * The live flow counts of a sweep, for the backends that still have the id they had when the sweep began (one
     * removed meanwhile is not counted, one added meanwhile is counted by the next sweep), into the same maps.
     */
    private synchronized void writeLiveFlows(LbMaps swept, FlowOwners owners, Map<Integer, Long> live) {
        if (maps != swept) {
            return; // the stage was unloaded or loaded again meanwhile
        }
        Map<Integer, Backend> current = owners(System.nanoTime()).backends();
        live.forEach((id, count) -> {
            Backend now = current.get(id);
            if (now != null && now.endpoint().equals(owners.backends().get(id).endpoint())) {
                maps.backendFlows.put(id, count);
            }
        });
    }
}
