package io.deetune.lb.internal;

import io.deetune.bpf.BpfObject;
import io.deetune.core.api.Hook;
import io.deetune.core.api.Stage;
import io.deetune.core.api.StageMaps;
import io.deetune.lb.Backend;
import io.deetune.lb.Flow;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer stage: gives the core its eBPF object (XDP, priority 400: after ids, firewall and rate
 * limiting; lb_tc.bpf.o for the tc-ingress pipelines when {@code deetune.stage.hook} says so), and is the
 * {@link LoadBalancer} service that commands, configuration files and other bundles use.
 */
@Component(service = {Stage.class, LoadBalancer.class}, configurationPid = "io.deetune.lb",
        property = {Stage.NAME + "=lb", Stage.PRIORITY + ":Integer=400", Stage.HOOK + "=xdp"})
@Designate(ocd = LbConfig.class)
public final class LbStage implements Stage, LoadBalancer {

    private static final Logger LOG = LoggerFactory.getLogger(LbStage.class);
    static final String OBJECT = "bpf/lb.bpf.o";
    static final String PROGRAM = "lb_xdp";
    /** The same stage for the tc-ingress hook (lb_tc.bpf.c). */
    static final String TC_OBJECT = "bpf/lb_tc.bpf.o";
    static final String TC_PROGRAM = "lb_tc";
    /** Topics of the OSGi events posted when a backend's health changes. */
    public static final String TOPIC_BACKEND_DOWN = "io/deetune/lb/backend/DOWN";
    public static final String TOPIC_BACKEND_UP = "io/deetune/lb/backend/UP";

    private final LbEngine engine = new LbEngine(this::healthChanged);
    /** The connection tables across a reload that replaces them (a flowTableSize change). */
    private final FlowCarryOver flowCarryOver = new FlowCarryOver();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("deetune-lb-sweep").daemon(true).factory());
    private volatile LbConfig config;
    private HealthMonitor health;
    /** The interfaces XDP may redirect to, and who keeps them (in the load balancer's namespace). */
    private final EgressPorts egressPorts = new EgressPorts();
    private EgressMonitor egress;
    private ScheduledFuture<?> sweep;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    @Activate
    public LbStage(LbConfig config) {
        apply(config);
    }

    @Modified
    synchronized void apply(LbConfig newConfig) {
        LbConfig old = this.config;
        this.config = newConfig;
        if (old == null || !old.namespace().equals(newConfig.namespace())) {
            closeMonitors();
            health = new HealthMonitor(engine, newConfig.namespace());
            egress = new EgressMonitor(egressPorts, newConfig.namespace());
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        long every = Math.max(1, newConfig.sweepIntervalSeconds());
        sweep = sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.SECONDS);
        engine.setHalfOpenTimeout(Duration.ofSeconds(Math.max(1, newConfig.halfOpenTimeoutSeconds())));
        if (old != null && !definition(old).equals(definition(newConfig))) {
            LOG.info("lb: forwarding '{}', connection table size {}, half-open table size {}: the core loads the stage again with them",
                    newConfig.forwarding(), newConfig.flowTableSize(), newConfig.halfOpenTableSize());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        flowCarryOver.close();
        closeMonitors();
        sweeper.shutdownNow();
    }

    private void closeMonitors() {
        try {
            if (health != null) {
                health.close();
            }
            if (egress != null) {
                egress.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        health = null;
        egress = null;
    }

    private void sweep() {
        LbConfig c = config;
        try {
            int expired = engine.sweep(Duration.ofSeconds(c.tcpIdleSeconds()), Duration.ofSeconds(c.udpIdleSeconds()),
                    Duration.ofSeconds(c.closedLingerSeconds()));
            if (expired > 0) {
                LOG.debug("lb: expired {} flow(s)", expired);
            }
        } catch (RuntimeException e) {
            LOG.warn("lb: connection table sweep failed", e);
        }
    }

    private void healthChanged(String service, Backend backend, boolean healthy, String reason) {
        if (healthy) {
            LOG.info("lb: backend {} of service '{}' is healthy again and takes new flows ({})", backend.endpoint(), service, reason);
        } else {
            LOG.warn("lb: backend {} of service '{}' failed its health check, its flows move to the others ({})", backend.endpoint(), service, reason);
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(healthy ? TOPIC_BACKEND_UP : TOPIC_BACKEND_DOWN, Map.of(
                    "service", service, "backend", backend.endpoint(), "address", backend.address().getHostAddress(),
                    "port", backend.port(), "reason", reason)));
        }
    }

    // --- Stage ---

    /** The hook the configuration puts the stage at (the core places it by the same property). */
    private Hook hook() {
        return Hook.TC_INGRESS.id().equals(config.deetune_stage_hook().trim()) ? Hook.TC_INGRESS : Hook.XDP;
    }

    /** The stage's object for {@code hook}: lb_tc.bpf.o at tc ingress, lb.bpf.o otherwise. */
    static String objectPath(Hook hook) {
        return hook == Hook.TC_INGRESS ? TC_OBJECT : OBJECT;
    }

    /** The stage program's name in the object for {@code hook}. */
    static String programName(Hook hook) {
        return hook == Hook.TC_INGRESS ? TC_PROGRAM : PROGRAM;
    }

    @Override
    public byte[] object() {
        return Stage.bundleResource(LbStage.class, objectPath(hook()));
    }

    @Override
    public String program() {
        return programName(hook());
    }

    @Override
    public void configure(BpfObject object) {
        LbConfig c = config;
        boolean redirect = !"pass".equalsIgnoreCase(c.forwarding());
        object.setConstant("lb_fib_redirect", new byte[] {(byte) (redirect ? 1 : 0)});
        object.setMaxEntries("lb_flows", c.flowTableSize());
        object.setMaxEntries("lb_replies", c.flowTableSize());
        object.setMaxEntries("lb_half_open", c.halfOpenTableSize());
        object.setMaxEntries("lb_half_open_replies", c.halfOpenTableSize());
    }

    /**
     * What {@link #configure} builds the program from: forwarding by redirect or by pass, and the sizes of the
     * connection and half-open tables. Only a change of these loads the stage again; every other setting applies
     * through the maps.
     */
    @Override
    public Object definition() {
        return definition(config);
    }

    private static Object definition(LbConfig c) {
        return List.of(!"pass".equalsIgnoreCase(c.forwarding()), c.flowTableSize(), c.halfOpenTableSize());
    }

    @Override
    public void loaded(StageMaps maps) {
        flowCarryOver.carryInto(maps);
        engine.attach(maps::map);
        egressPorts.attach(maps::map);
        LOG.info("lb: stage loaded, {} service(s) written to its maps", engine.services().size());
    }

    @Override
    public void unloading(StageMaps maps) {
        flowCarryOver.hold(maps);
        engine.detach();
        egressPorts.detach();
    }

    // --- LoadBalancer ---

    @Override
    public void checkService(VirtualService service) {
        engine.checkService(service);
    }

    @Override
    public void putService(VirtualService service) {
        engine.putService(service);
    }

    @Override
    public boolean removeService(String name) {
        return engine.removeService(name);
    }

    @Override
    public Optional<VirtualService> service(String name) {
        return engine.service(name);
    }

    @Override
    public List<VirtualService> services() {
        return engine.services();
    }

    @Override
    public void addBackend(String service, Backend backend) {
        engine.addBackend(service, backend);
    }

    @Override
    public boolean removeBackend(String service, InetAddress address, int port) {
        return engine.removeBackend(service, address, port);
    }

    @Override
    public void setWeight(String service, InetAddress address, int port, int weight) {
        engine.setWeight(service, address, port, weight);
    }

    @Override
    public List<ServiceStatus> status() {
        return engine.status();
    }

    @Override
    public List<Flow> flows(String service) {
        return engine.flows(service);
    }

    @Override
    public Map<String, Long> counters() {
        return engine.counters();
    }
}
