package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.lb.Backend;
import io.deetune.lb.Flow;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer's control logic: the running set of services, their ids in the kernel maps, backend health,
 * and the writes that keep the stage's maps equal to them. Every change is validated as a whole first; only a
 * valid change reaches the maps, and the previous state stays when it is rejected.
 *
 * <p>Without maps (the stage is not loaded yet) changes are kept and written in full once {@link #attach} is
 * called.
 *
 * <p>One lock, this engine's monitor, guards all of it: the parts it is made of ({@link InstalledServices},
 * {@link KernelIds}, {@link BackendHealth}, {@link BackendLoad}, {@link ServiceWriter}) are called only under it. Walks of the connection
 * tables ({@link #flows}, {@link #sweep}) take a snapshot under it and run without it.
 */
public final class LbEngine implements LoadBalancer {

    private static final Logger LOG = LoggerFactory.getLogger(LbEngine.class);

    private final HealthListener healthListener;
    private final InstalledServices services = new InstalledServices();
    private final KernelIds ids;
    private final BackendHealth health = new BackendHealth();
    private final BackendLoad load = new BackendLoad();
    /** The stage's maps and their writer; both null while the stage is not loaded. */
    private LbMaps maps;
    private ServiceWriter writer;
    private Duration halfOpenTimeout = Duration.ofSeconds(5);
    /** Held by the one sweep that runs at a time (the stage's timer, tests); never while waiting for this engine. */
    private final Object sweeping = new Object();

    public LbEngine(HealthListener healthListener) {
        this(healthListener, Duration.ofMinutes(1));
    }

    /** {@code orphanGrace}: how long state found in the maps waits for its service's configuration to return. */
    public LbEngine(HealthListener healthListener, Duration orphanGrace) {
        this.healthListener = healthListener;
        this.ids = new KernelIds(orphanGrace);
    }

    /**
     * Uses the stage's maps from now on and writes every service into them. Maps that already hold services (pinned
     * by an earlier run of the JVM or an earlier version of the bundle) are adopted: a service keeps the kernel id
     * its VIP had and each backend the id its address and port had, so established flows stay on their backends.
     */
    public synchronized void attach(Function<String, BpfMap> mapsByName) {
        maps = new LbMaps(mapsByName);
        writer = new ServiceWriter(maps, health, load);
        writer.writeSettings(halfOpenTimeout);
        ids.adopt(maps);
        health.forgetIds(services.all());
        for (InstalledService old : services.removeAll()) {
            InstalledService adopted = ids.assign(old.spec(), null, old, services.all(), writer::resetCounters);
            health.carryOver(adopted);
            services.put(adopted);
            writer.write(adopted, null);
        }
        ids.reportUnclaimed();
    }

    /** How long a SYN nobody completes holds its half-open entry; the data path reads it from lb_settings. */
    public synchronized void setHalfOpenTimeout(Duration timeout) {
        halfOpenTimeout = timeout;
        if (writer != null) {
            writer.writeSettings(halfOpenTimeout);
        }
    }

    public synchronized Duration halfOpenTimeout() {
        return halfOpenTimeout;
    }

    /** The stage is being unloaded: stop writing (the pinned maps keep the data path as it is). */
    public synchronized void detach() {
        maps = null;
        writer = null;
    }

    public synchronized boolean attached() {
        return maps != null;
    }

    @Override
    public synchronized void checkService(VirtualService service) {
        service.validate();
        services.checkCollision(service);
    }

    @Override
    public synchronized void putService(VirtualService service) {
        service.validate();
        services.checkCollision(service);
        InstalledService previous = services.get(service.name());
        if (previous != null && previous.spec().equals(service)) {
            return; // e.g. a configuration written back by a command: already in place
        }
        if (previous != null) {
            long now = System.nanoTime();
            for (Backend backend : service.backends()) {
                if (previous.backendId(backend) == null) {
                    load.cameUp(service, backend, now); // a new backend of a running service ramps
                }
            }
        }
        KernelIds.Checkpoint before = ids.checkpoint();
        InstalledService installed;
        try {
            installed = ids.assign(service, previous, null, services.all(), this::resetCounters);
            if (writer != null) {
                writer.write(installed, previous);
            }
        } catch (RuntimeException e) {
            ids.restore(before);
            if (e instanceof LbConfigException config) {
                throw config;
            }
            if (previous != null && writer != null) {
                writer.rewriteQuietly(previous);
            }
            throw new IllegalStateException("service '" + service.name() + "': writing the kernel maps failed, kept the previous configuration: " + e.getMessage(), e);
        }
        if (previous != null) {
            for (int old : previous.backendIds().values()) {
                if (!installed.backendIds().containsValue(old)) {
                    releaseBackendId(old);
                }
            }
        }
        services.put(installed);
        load.retain(services.specs());
        LOG.info("lb: service '{}' {} {} with {} backend(s)", service.name(), previous == null ? "added at" : "updated at",
                service.endpoint() + " " + service.algorithm().id(), service.backends().size());
    }

    private void resetCounters(int backendId) {
        if (writer != null) {
            writer.resetCounters(backendId);
        }
    }

    private void releaseBackendId(int backendId) {
        ids.release(backendId);
        health.release(backendId);
    }

    @Override
    public synchronized boolean removeService(String name) {
        InstalledService installed = services.remove(name);
        if (installed == null) {
            return false;
        }
        if (writer != null) {
            writer.remove(installed);
        }
        installed.backendIds().values().forEach(this::releaseBackendId);
        load.retain(services.specs());
        LOG.info("lb: service '{}' ({}) removed", name, installed.spec().endpoint());
        return true;
    }

    @Override
    public synchronized Optional<VirtualService> service(String name) {
        return Optional.ofNullable(services.get(name)).map(InstalledService::spec);
    }

    @Override
    public synchronized List<VirtualService> services() {
        return services.specs();
    }

    @Override
    public synchronized void addBackend(String service, Backend backend) {
        putService(services.withBackendAdded(service, backend));
    }

    @Override
    public synchronized boolean removeBackend(String service, InetAddress address, int port) {
        Optional<VirtualService> changed = services.withBackendRemoved(service, address, port);
        changed.ifPresent(this::putService);
        return changed.isPresent();
    }

    @Override
    public synchronized void setWeight(String service, InetAddress address, int port, int weight) {
        putService(services.withWeight(service, address, port, weight));
    }

    /** Health check verdict for a backend; a change rebuilds the service's ring and is reported once. */
    public synchronized void setHealth(String service, Backend backend, boolean healthy, String reason) {
        InstalledService installed = services.get(service);
        Integer id = installed == null ? null : installed.backendId(backend);
        if (id == null) {
            return; // removed meanwhile
        }
        if (!health.set(id, healthy)) {
            return;
        }
        if (healthy) {
            load.cameUp(installed.spec(), backend, System.nanoTime()); // back from down: slow start
        }
        if (writer != null) {
            writer.write(installed, installed);
        }
        healthListener.healthChanged(service, backend, healthy, reason);
    }

    /**
     * A line from the backend's load agent: its share and state count from now on (a change rewrites the service);
     * a line that is not in the agent protocol is logged and changes nothing.
     */
    public synchronized void agentAnswered(String service, Backend backend, String line) {
        InstalledService installed = services.get(service);
        if (installed == null || installed.backendId(backend) == null) {
            return; // removed meanwhile
        }
        AgentReply reply;
        try {
            reply = AgentReply.parse(line);
        } catch (IllegalArgumentException e) {
            if (load.firstFailure(installed.spec(), backend)) {
                LOG.warn("lb: agent of backend {} of service '{}' answered '{}', not in the agent protocol ({}); weights unchanged",
                        backend.endpoint(), service, AgentReply.printable(line), e.getMessage());
            }
            agentFailed(installed, backend);
            return;
        }
        long now = System.nanoTime();
        if (load.answered(installed.spec(), backend, reply, now)) {
            LOG.info("lb: agent of backend {} of service '{}' answers '{}'", backend.endpoint(), service, reply.text());
        }
        rewriteIfChanged(installed, now);
    }

    /**
     * The backend's agent could not be read: its last answer stays in force for the grace period, then the backend
     * takes its configured weight (not down: that is the health check's call). Logged once per run of failures.
     */
    public synchronized void agentFailed(String service, Backend backend, String failure) {
        InstalledService installed = services.get(service);
        if (installed == null || installed.backendId(backend) == null) {
            return;
        }
        if (load.firstFailure(installed.spec(), backend)) {
            LOG.warn("lb: {}; the last answer stays for {} ms, then the configured weight", failure,
                    installed.spec().feedback().agentGraceMillis());
        }
        agentFailed(installed, backend);
    }

    private void agentFailed(InstalledService installed, Backend backend) {
        long now = System.nanoTime();
        if (load.failed(installed.spec(), backend, now)) {
            LOG.warn("lb: agent of backend {} of service '{}' silent past its grace period: configured weight {} in force",
                    backend.endpoint(), installed.spec().name(), backend.weight());
            rewriteIfChanged(installed, now);
        }
    }

    /** Moves slow-start ramps on: services whose effective weights changed since they were written are rewritten. */
    public synchronized void refreshWeights(long now) {
        for (InstalledService installed : services.all()) {
            if (installed.spec().feedback().active()) {
                rewriteIfChanged(installed, now);
            }
        }
    }

    private void rewriteIfChanged(InstalledService installed, long now) {
        if (writer != null && load.changed(installed.spec(), now)) {
            writer.write(installed, installed);
        }
    }

    public synchronized boolean healthy(String service, Backend backend) {
        InstalledService installed = services.get(service);
        Integer id = installed == null ? null : installed.backendId(backend);
        return id != null && health.healthy(id);
    }

    @Override
    public synchronized List<ServiceStatus> status() {
        return StatusReport.services(services.all(), maps, health, load, System.nanoTime());
    }

    @Override
    public synchronized Map<String, Long> counters() {
        return StatusReport.counters(maps);
    }

    /** Who the flows belong to now; the grace ids are those of adopted state still in its grace at {@code now}. */
    private FlowOwners owners(long now) {
        return services.owners(ids.graceServiceIds(now), ids.graceBackendIds(now));
    }

    /**
     * The flows of the connection table (of one service, or of all when {@code service} is null). The table is read
     * without the engine's lock, like the sweep's walk.
     */
    @Override
    public List<Flow> flows(String service) {
        FlowOwners owners;
        ConnectionTables tables;
        long halfOpenNanos;
        synchronized (this) {
            if (maps == null) {
                return new ArrayList<>();
            }
            owners = owners(System.nanoTime());
            tables = ConnectionTables.open(maps);
            halfOpenNanos = halfOpenTimeout.toNanos();
        }
        try (tables) {
            return FlowListing.list(owners, tables, halfOpenNanos, service);
        }
    }

    /**
     * Expires idle and closed flows (with their return entries) and recounts every backend's live flows from the
     * table, correcting what the data path could not count (flows the LRU evicted, races between CPUs). Orphans
     * whose grace period ended leave first.
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
                ids.removeExpiredOrphans(now, writer);
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
