package io.deetune.lb.internal;

import io.deetune.bpf.NetDevices;
import io.deetune.bpf.NetNs;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link EgressPorts} equal to the interfaces of the load balancer's namespace that take XDP-redirected
 * frames (NETDEV_XDP_ACT_NDO_XMIT, from the kernel's netdev family). Such a capability changes at run time: a veth
 * takes them only while its peer has an XDP program or GRO on. One platform thread joins the namespace, subscribes
 * to the family's device notifications and synchronises on each one, when the stage's maps are new, and every few
 * seconds (a MAC change is not notified).
 */
final class EgressMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EgressMonitor.class);
    /** How long one wait for notifications lasts: the delay before new maps are filled, and before close. */
    private static final Duration STEP = Duration.ofMillis(200);
    private static final long RESYNC_NANOS = Duration.ofSeconds(5).toNanos();

    private final EgressPorts ports;
    private final String namespace;
    private final Thread thread;
    private volatile boolean running = true;
    /** What the last synchronisation wrote, for the log. */
    private Map<Integer, String> redirecting = Map.of();

    EgressMonitor(EgressPorts ports, String namespace) {
        this.ports = ports;
        this.namespace = namespace;
        this.thread = Thread.ofPlatform().name("deetune-lb-egress").daemon(true).start(this::run);
    }

    private void run() {
        try {
            NetNs.run(namespace, this::loop);
        } catch (RuntimeException e) {
            LOG.error("lb: XDP forwarding hands every packet to the kernel: cannot learn which interfaces of {} take redirected frames",
                    where(), e);
        }
    }

    private void loop() {
        try (NetDevices.Watch watch = NetDevices.watch()) {
            boolean notified = true;
            long last = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (notified || ports.fresh() || now - last > RESYNC_NANOS) {
                    last = now;
                    sync();
                }
                notified = watch.await(STEP);
            }
        }
    }

    private void sync() {
        try {
            Map<Integer, byte[]> wanted = new TreeMap<>();
            for (NetDevices.Device device : NetDevices.list()) {
                if (device.acceptsRedirectedFrames()) {
                    NetDevices.hardwareAddress(device.ifindex()).ifPresent(mac -> wanted.put(device.ifindex(), mac));
                }
            }
            if (ports.sync(wanted)) {
                Map<Integer, String> now = wanted.keySet().stream().collect(Collectors.toMap(i -> i,
                        i -> NetDevices.name(i).orElse("?"), (a, b) -> a, TreeMap::new));
                if (!now.equals(redirecting)) {
                    LOG.info("lb: XDP forwarding redirects out of {} in {}; out of any other interface the kernel forwards",
                            now.isEmpty() ? "no interface" : describe(now), where());
                }
                redirecting = now;
            }
        } catch (RuntimeException e) {
            LOG.warn("lb: cannot update the interfaces XDP redirects to in {}", where(), e);
        }
    }

    private static String describe(Map<Integer, String> interfaces) {
        return interfaces.entrySet().stream().map(e -> e.getValue() + " (" + e.getKey() + ")").collect(Collectors.joining(", "));
    }

    private String where() {
        return NetNs.isHost(namespace) ? "the host network namespace" : "network namespace '" + namespace + "'";
    }

    @Override
    public void close() throws InterruptedException {
        // No interrupt: the thread is NetNs's, behind this one; it sees the flag within one step.
        running = false;
        thread.join();
    }
}
