package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The interfaces XDP may redirect to (lb_maps.h): {@code lb_egress}, the devmap the program redirects through, and
 * {@code lb_egress_ports}, the check it makes first (ifindex -> MAC). {@link EgressMonitor} keeps them equal to the
 * devices of the load balancer's namespace that take redirected frames. A device enters the devmap before the
 * check admits it and leaves the check before the devmap, so the program never redirects to a missing entry.
 */
final class EgressPorts {

    private static final String DEVICES = "lb_egress";
    private static final String PORTS = "lb_egress_ports";
    private static final int PORT_SIZE = 8;

    private BpfMap devices;
    private BpfMap ports;
    /** The maps are new (a load) and not yet synchronised. */
    private boolean fresh;

    /** Takes the stage's maps (on load). */
    synchronized void attach(Function<String, BpfMap> maps) {
        devices = maps.apply(DEVICES);
        ports = maps.apply(PORTS);
        fresh = true;
    }

    /** Lets go of the maps (on unload): their handles close after this returns. */
    synchronized void detach() {
        devices = null;
        ports = null;
    }

    /** Whether the maps changed under the monitor since its last {@link #sync}. */
    synchronized boolean fresh() {
        return fresh;
    }

    /**
     * Makes the maps hold exactly {@code wanted} (ifindex -> MAC). Runs on a thread in the load balancer's
     * namespace: the kernel resolves a devmap entry's ifindex in the writer's namespace. False if nothing changed
     * or no maps are attached.
     */
    synchronized boolean sync(Map<Integer, byte[]> wanted) {
        if (devices == null) {
            return false;
        }
        fresh = false;
        boolean changed = false;
        Set<Integer> present = new HashSet<>();
        for (byte[] key : ports.keys()) {
            int ifindex = Codec.U32.fromBytes(key);
            byte[] mac = wanted.get(ifindex);
            Optional<byte[]> port = ports.lookup(key);
            if (mac != null && port.isPresent() && Arrays.equals(port.get(), port(mac)) && devices.lookup(key).isPresent()) {
                present.add(ifindex);
                continue;
            }
            ports.delete(key);
            devices.delete(key);
            changed = true;
        }
        for (Map.Entry<Integer, byte[]> entry : wanted.entrySet()) {
            if (present.contains(entry.getKey())) {
                continue;
            }
            byte[] key = Codec.U32.toBytes(entry.getKey());
            devices.update(key, key);
            ports.update(key, port(entry.getValue()));
            changed = true;
        }
        return changed;
    }

    /** struct lb_egress_port: the MAC, then padding. */
    private static byte[] port(byte[] mac) {
        return Arrays.copyOf(mac, PORT_SIZE);
    }
}
