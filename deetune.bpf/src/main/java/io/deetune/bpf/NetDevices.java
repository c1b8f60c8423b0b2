package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Libnl;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The network devices of the calling thread's network namespace as the kernel's {@code netdev} generic netlink
 * family reports them (through libnl): which XDP actions each supports, and a subscription to its changes. A
 * thread that has entered a namespace ({@link NetNs}) sees that namespace's devices.
 *
 * <p>What matters most to an XDP program that redirects: a device accepts redirected frames only while it reports
 * {@link #XDP_ACT_NDO_XMIT}. A veth reports it only while its peer has an XDP program or GRO on; without it every
 * frame redirected to it is dropped, and only a tracepoint says so.
 */
public final class NetDevices {

    /** {@code enum netdev_xdp_act} of linux/netdev.h (Linux 6.3+). */
    public static final long XDP_ACT_BASIC = 1L;
    public static final long XDP_ACT_REDIRECT = 1L << 1;
    public static final long XDP_ACT_NDO_XMIT = 1L << 2;

    private static final String FAMILY = "netdev";
    private static final String GROUP = "mgmt";
    private static final int CMD_DEV_GET = 1;
    private static final int FAMILY_VERSION = 1;
    private static final int ATTR_IFINDEX = 1;
    private static final int ATTR_XDP_FEATURES = 3;
    private static final int ATTR_MAX = 8;

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM_CLOEXEC = 2 | 0x80000;
    private static final long SIOCGIFHWADDR = 0x8927;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final int HWADDR_OFFSET = IFNAMSIZ + 2;
    private static final int ETH_ALEN = 6;

    private NetDevices() {}

    /** One device: its index and the XDP actions it supports ({@code XDP_ACT_*} bits). */
    public record Device(int ifindex, long xdpFeatures) {
        /** Whether frames that XDP redirects to this device are sent (not dropped). */
        public boolean acceptsRedirectedFrames() {
            return (xdpFeatures & XDP_ACT_NDO_XMIT) != 0;
        }
    }

    /** Every device of the calling thread's namespace, with its XDP features. */
    public static List<Device> list() {
        Libnl.require();
        MemorySegment socket = connect("list network devices");
        try (Arena arena = Arena.ofConfined()) {
            int family = Libnl.check(Native.call(Libnl.Fns.GENL_CTRL_RESOLVE, socket, arena.allocateFrom(FAMILY)).asInt(),
                    "genl_ctrl_resolve", "find the generic netlink family '" + FAMILY + "' (Linux 6.3+)");
            DumpCollector collector = new DumpCollector();
            MemorySegment callback = Native.LINKER.upcallStub(collector.handle(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), arena);
            Libnl.check(Native.call(Libnl.Fns.SOCKET_MODIFY_CB, socket, Libnl.NL_CB_VALID, Libnl.NL_CB_CUSTOM, callback,
                    MemorySegment.NULL).asInt(), "nl_socket_modify_cb", "list network devices");
            MemorySegment message = Native.call(Libnl.Fns.MSG_ALLOC).asPointer();
            if (message.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("list network devices: nlmsg_alloc failed");
            }
            try {
                MemorySegment header = Native.call(Libnl.Fns.GENLMSG_PUT, message, Libnl.NL_AUTO_PORT, Libnl.NL_AUTO_SEQ,
                        family, 0, Libnl.NLM_F_DUMP, (byte) CMD_DEV_GET, (byte) FAMILY_VERSION).asPointer();
                if (header.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("list network devices: genlmsg_put failed");
                }
                Libnl.check(Native.call(Libnl.Fns.SEND_AUTO, socket, message).asInt(), "nl_send_auto", "list network devices");
            } finally {
                Native.call(Libnl.Fns.MSG_FREE, message);
            }
            Libnl.check(Native.call(Libnl.Fns.RECVMSGS_DEFAULT, socket).asInt(), "nl_recvmsgs_default", "list network devices");
            if (collector.failure != null) {
                throw new IllegalStateException("list network devices: cannot read the kernel's answer", collector.failure);
            }
            return List.copyOf(collector.devices);
        } finally {
            Native.call(Libnl.Fns.SOCKET_FREE, socket);
        }
    }

    /** The name of device {@code ifindex} of the calling thread's namespace; empty if there is none. */
    public static Optional<String> name(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(IFNAMSIZ);
            return Native.call(Libbpf.IF_INDEXTONAME, ifindex, name).asPointer().equals(MemorySegment.NULL)
                    ? Optional.empty() : Optional.of(name.getString(0));
        }
    }

    /**
     * The hardware (MAC) address of device {@code ifindex} of the calling thread's namespace; empty if there is no
     * such device or it has no Ethernet address.
     */
    public static Optional<byte[]> hardwareAddress(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(IFREQ_SIZE);
            if (Native.call(Libbpf.IF_INDEXTONAME, ifindex, request).asPointer().equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            int fd = Native.call(Libbpf.SOCKET, AF_INET, SOCK_DGRAM_CLOEXEC, 0).checkInt("open a socket to read interface addresses");
            try {
                if (Native.call(Libbpf.IOCTL, fd, SIOCGIFHWADDR, request).asInt() < 0) {
                    return Optional.empty();
                }
            } finally {
                Libbpf.closeQuietly(fd);
            }
            return Optional.of(request.asSlice(HWADDR_OFFSET, ETH_ALEN).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    /**
     * Subscribes to the {@code netdev} family's notifications (a device added, removed, or its XDP features
     * changed) in the calling thread's namespace; the subscription stays in that namespace whichever thread uses it.
     */
    public static Watch watch() {
        Libnl.require();
        return new Watch(connect("watch network devices"));
    }

    private static MemorySegment connect(String context) {
        MemorySegment socket = Native.call(Libnl.Fns.SOCKET_ALLOC).asPointer();
        if (socket.equals(MemorySegment.NULL)) {
            throw new IllegalStateException(context + ": nl_socket_alloc failed");
        }
        try {
            Libnl.check(Native.call(Libnl.Fns.GENL_CONNECT, socket).asInt(), "genl_connect", context);
            return socket;
        } catch (RuntimeException e) {
            Native.call(Libnl.Fns.SOCKET_FREE, socket);
            throw e;
        }
    }

    /** Notifications of device changes; one thread uses it at a time. */
    public static final class Watch implements AutoCloseable {
        private static final int POLLIN = 1;
        private static final int MSG_DONTWAIT = 0x40;
        private static final int BUFFER = 16384;

        private final MemorySegment socket;
        private final int fd;
        private boolean closed;

        private Watch(MemorySegment socket) {
            this.socket = socket;
            try (Arena arena = Arena.ofConfined()) {
                int group = Libnl.check(Native.call(Libnl.Fns.GENL_CTRL_RESOLVE_GRP, socket, arena.allocateFrom(FAMILY),
                        arena.allocateFrom(GROUP)).asInt(), "genl_ctrl_resolve_grp", "find the '" + GROUP + "' group of '" + FAMILY + "' (Linux 6.3+)");
                Libnl.check(Native.call(Libnl.Fns.SOCKET_ADD_MEMBERSHIP, socket, group).asInt(), "nl_socket_add_membership",
                        "subscribe to network device changes");
                this.fd = Native.call(Libnl.Fns.SOCKET_GET_FD, socket).asInt();
            } catch (RuntimeException e) {
                Native.call(Libnl.Fns.SOCKET_FREE, socket);
                throw e;
            }
        }

        /**
         * Waits up to {@code timeout} for notifications and consumes all that arrived; true if there was at least
         * one (a device came, went or changed its XDP features since the last call).
         */
        public boolean await(Duration timeout) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment poll = arena.allocate(8);
                poll.set(JAVA_INT, 0, fd);
                poll.set(JAVA_SHORT, 4, (short) POLLIN);
                int ready = Native.call(Libbpf.POLL, poll, 1L, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())).asInt();
                if (ready <= 0) {
                    return false;
                }
                MemorySegment buffer = arena.allocate(BUFFER);
                boolean any = false;
                while (Native.call(Libbpf.RECV, fd, buffer, (long) BUFFER, MSG_DONTWAIT).asLong() > 0) {
                    any = true;
                }
                return any;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Native.call(Libnl.Fns.SOCKET_FREE, socket);
            }
        }
    }

    /** Receives each device of a NETDEV_CMD_DEV_GET dump; never lets an exception reach libnl. */
    private static final class DumpCollector {
        private final List<Device> devices = new ArrayList<>();
        private Throwable failure;

        MethodHandle handle() {
            try {
                return MethodHandles.lookup().bind(this, "onMessage",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unused") // called by libnl
        private int onMessage(MemorySegment message, MemorySegment arg) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment header = Native.call(Libnl.Fns.MSG_HDR, message).asPointer();
                MemorySegment attributes = arena.allocate(ADDRESS, ATTR_MAX + 1);
                if (Native.call(Libnl.Fns.GENLMSG_PARSE, header, 0, attributes, ATTR_MAX, MemorySegment.NULL).asInt() < 0) {
                    return Libnl.NL_OK;
                }
                MemorySegment ifindex = attributes.getAtIndex(ADDRESS, ATTR_IFINDEX);
                MemorySegment features = attributes.getAtIndex(ADDRESS, ATTR_XDP_FEATURES);
                if (!ifindex.equals(MemorySegment.NULL)) {
                    devices.add(new Device(Native.call(Libnl.Fns.ATTR_GET_U32, ifindex).asInt(),
                            features.equals(MemorySegment.NULL) ? 0 : Native.call(Libnl.Fns.ATTR_GET_U64, features).asLong()));
                }
            } catch (Throwable t) {
                failure = t;
            }
            return Libnl.NL_OK;
        }
    }
}
