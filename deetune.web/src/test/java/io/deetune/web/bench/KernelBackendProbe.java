package io.deetune.web.bench;

import io.deetune.bpf.BpfMap;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the load balancer's pinned state maps the way its data path does for a new flow: the VIP's entry in
 * {@code lb_services} (service id and used ring length), the slots of its ring in {@code lb_rings} (backend ids) and
 * those backends in {@code lb_backends} (address, port, up). A backend is served once a packet could be sent to it.
 * The layouts are those of {@code lb_structs.h} (native byte order, addresses and ports in network order), which the
 * LB's own LbStructsTest checks against the object's BTF.
 */
final class KernelBackendProbe implements AutoCloseable {

    /** {@code LB_RING_SIZE}: slots per service in lb_rings. */
    private static final int RING_SIZE = 16381;
    private static final int BACKEND_UP = 0x1;
    private static final int TCP = 6;

    private final BpfMap services;
    private final BpfMap rings;
    private final BpfMap backends;
    private final byte[] vipKey;

    /** {@code stageDir}: the LB's pinned maps, {@code <pin root>/stages/lb}; the service at {@code vip:port}, TCP. */
    KernelBackendProbe(Path stageDir, InetAddress vip, int port) {
        services = BpfMap.openPinned(stageDir.resolve("lb_services"));
        rings = BpfMap.openPinned(stageDir.resolve("lb_rings"));
        backends = BpfMap.openPinned(stageDir.resolve("lb_backends"));
        ByteBuffer key = ByteBuffer.allocate(20);
        key.put(Arrays.copyOf(vip.getAddress(), 16)).putShort((short) port).put((byte) TCP).put((byte) 4);
        vipKey = key.array();
    }

    /** Whether the service's ring holds an up backend at {@code address:port}. */
    boolean serves(InetAddress address, int port) {
        Optional<byte[]> service = services.lookup(vipKey);
        if (service.isEmpty()) {
            return false;
        }
        ByteBuffer entry = ByteBuffer.wrap(service.get()).order(ByteOrder.nativeOrder());
        int id = entry.getInt(0);
        int ringLength = entry.getInt(8);
        byte[] wanted = Arrays.copyOf(address.getAddress(), 16);
        for (int slot = 0; slot < ringLength; slot++) {
            Optional<byte[]> backendId = rings.lookup(u32(id * RING_SIZE + slot));
            if (backendId.isEmpty()) {
                continue;
            }
            Optional<byte[]> backend = backends.lookup(backendId.get());
            if (backend.isPresent() && matches(backend.get(), wanted, port)) {
                return true;
            }
        }
        return false;
    }

    /** {@code struct lb_backend}: addr[16], port (network order), family, flags, weight. */
    private static boolean matches(byte[] backend, byte[] address, int port) {
        int backendPort = ((backend[16] & 0xff) << 8) | (backend[17] & 0xff);
        return Arrays.equals(backend, 0, 16, address, 0, 16) && backendPort == port && (backend[19] & BACKEND_UP) != 0;
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    @Override
    public void close() {
        services.close();
        rings.close();
        backends.close();
    }
}
